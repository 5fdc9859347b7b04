extension ObservationParser {
    /// `parseSeconds` results below zero: not a decimal, or above `maxMilliseconds`.
    static let malformedNumber: Double = -1
    static let tooLargeNumber: Double = -2
    /// `parseTokens` results above `maxTokens`: too many digits or too large, or not an integer.
    static let tooLargeTokens = UInt64.max - 1
    static let malformedTokens = UInt64.max

    /// Powers of ten exactly representable as `Double` (up to 10^22).
    static let powersOfTen: [Double] = (0...22).map { k in
        var v = 1.0
        for _ in 0..<k { v *= 10 }
        return v
    }

    /// `0` or `100`...`599` written as exactly those digits; -1 otherwise.
    @inline(__always)
    static func parseStatus(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Int {
        switch e - s {
        case 1:
            return p[s] == UInt8(ascii: "0") ? 0 : -1
        case 3:
            let d0 = Int(p[s] &- 48), d1 = Int(p[s + 1] &- 48), d2 = Int(p[s + 2] &- 48)
            guard (1...5).contains(d0), d1 <= 9, d2 <= 9 else { return -1 }
            return d0 * 100 + d1 * 10 + d2
        default:
            return -1
        }
    }

    /// A decimal number of milliseconds (`digits[.digits]`) converted to seconds, or
    /// `malformedNumber` / `tooLargeNumber`.
    ///
    /// The value is `mantissa / 10^(fraction digits + 3)`, one correctly rounded division, so a
    /// latency written as a bucket bound (`1.2` ms) lands exactly on that bound (`0.0012` s).
    /// Fraction digits past the ninth are checked but do not change the value.
    @inline(__always)
    static func parseSeconds(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Double {
        var i = s
        var mantissa: UInt64 = 0
        var significant = 0
        while i < e {
            let d = p[i] &- 48
            if d > 9 { break }
            if mantissa != 0 || d != 0 { significant += 1 }
            if significant <= 10 { mantissa = mantissa &* 10 &+ UInt64(d) }
            i += 1
        }
        if i == s { return malformedNumber }
        var scale = 0
        if i < e {
            guard p[i] == UInt8(ascii: ".") else { return malformedNumber }
            i += 1
            if i == e { return malformedNumber }
            while i < e {
                let d = p[i] &- 48
                guard d <= 9 else { return malformedNumber }
                if scale < 9 && significant <= 10 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    scale += 1
                }
                i += 1
            }
        }
        if significant > 10 { return tooLargeNumber }
        let seconds = Double(mantissa) / powersOfTen[scale + 3]
        return seconds > maxMilliseconds / 1000 ? tooLargeNumber : seconds
    }

    /// A non-negative integer of at most `maxTokens`, or `tooLargeTokens` / `malformedTokens`.
    @inline(__always)
    static func parseTokens(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> UInt64 {
        if s == e { return malformedTokens }
        var value: UInt64 = 0
        var tooLarge = false
        for i in s..<e {
            let d = p[i] &- 48
            guard d <= 9 else { return malformedTokens }
            if !tooLarge {
                value = value * 10 + UInt64(d)
                tooLarge = value > maxTokens
            }
        }
        return tooLarge ? tooLargeTokens : value
    }

    // MARK: Errors (the cold path: allocation is fine here)

    static func emptyField(_ line: Int) -> ObservationError {
        ObservationError(line: line, message: "empty field (fields are separated by single spaces)", reason: "malformed")
    }

    static func tooFewFields(_ line: Int, _ found: Int) -> ObservationError {
        ObservationError(line: line, message: "expected <arm> <status> <latency_ms>, found \(found) "
                         + (found == 1 ? "field" : "fields"), reason: "malformed")
    }

    static func duplicate(_ line: Int, _ key: String) -> ObservationError {
        ObservationError(line: line, message: "duplicate field \"\(key)\"", reason: "bad_field")
    }

    static func badMirror(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, line: Int) -> ObservationError {
        ObservationError(line: line, message: "mirror \(quoted(p, s, e)) must be 1", reason: "bad_field")
    }

    static func forcedAndMirror(_ line: Int) -> ObservationError {
        ObservationError(line: line, message: "forced=1 and mirror=1 on one line: a request forced by an override "
                         + "rule is never mirrored", reason: "bad_field")
    }

    static func mirrorOnBaseline(_ line: Int, _ baseline: String) -> ObservationError {
        ObservationError(line: line, message: "mirror=1 on the baseline \(quoted(baseline)): a mirrored copy is "
                         + "always sent to the candidate", reason: "bad_field")
    }

    static func badMilliseconds(_ name: String, _ result: Double, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int,
                                line: Int, reason: String) -> ObservationError {
        let problem = result == tooLargeNumber
            ? "exceeds the maximum of 1000000000 ms"
            : "is not a non-negative decimal number of milliseconds"
        return ObservationError(line: line, message: "\(name) \(quoted(p, s, e)) \(problem)", reason: reason)
    }

    /// Bytes `[s, e)` in double quotes, cut at 64 bytes so a garbage line does not flood a log.
    static func quoted(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> String {
        let limit = 64
        let cut = min(e, s + limit)
        let text = String(decoding: UnsafeBufferPointer(start: p + s, count: cut - s), as: UTF8.self)
        return "\"" + text + (cut < e ? "…" : "") + "\""
    }

    static func quoted(_ text: String) -> String { "\"\(text)\"" }
}
