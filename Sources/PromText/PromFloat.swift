/// Formats and strictly parses the float values of the Prometheus text format.
///
/// Output: `NaN`, `+Inf`, `-Inf`; integral values with |v| < 2^53 without decimals (`42`, `-3`, `0` also
/// for `-0.0`); anything else as Swift's shortest round-trip `description` (`0.25`, `1e-05`, `1.5e+300`).
/// Input: an optional sign, decimal digits with an optional fraction and exponent, or exactly `NaN`,
/// `+Inf`, `-Inf`. Hex floats, `inf`, `infinity`, `nan`, blanks and underscores are rejected, and so is a
/// decimal too large for a Double (Go's `ParseFloat` rejects it too).
package enum PromFloat {
    /// 2^53: below it every integral Double is exactly an Int64 and prints without decimals.
    static let exactIntegerLimit = 9_007_199_254_740_992.0

    /// The text form of `value`, as the registry writes it.
    package static func format(_ value: Double) -> String {
        var bytes: [UInt8] = []
        append(value, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses one value token; nil when it is not a valid Prometheus float.
    package static func parse(_ text: String) -> Double? {
        if let value = text.utf8.withContiguousStorageIfAvailable({ parse($0) }) { return value }
        return parse(Array(text.utf8)[...])
    }

    /// Appends the text form of `value` without allocating for the common integral case.
    static func append(_ value: Double, into out: inout [UInt8]) {
        if value.isNaN {
            out.append(contentsOf: "NaN".utf8)
        } else if value.isInfinite {
            out.append(contentsOf: value > 0 ? "+Inf".utf8 : "-Inf".utf8)
        } else if value.magnitude < exactIntegerLimit, value == value.rounded(.towardZero) {
            let integer = Int64(value)
            if integer < 0 { out.append(UInt8(ascii: "-")) }
            append(integer.magnitude, into: &out)
        } else {
            out.append(contentsOf: value.description.utf8)
        }
    }

    /// Appends the decimal digits of `value`.
    static func append(_ value: UInt64, into out: inout [UInt8]) {
        if value < 10 {
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digits = 0
        var rest = value
        while rest > 0 { digits += 1; rest /= 10 }
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        rest = value
        var index = start + digits - 1
        while rest > 0 {
            out[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        }
    }

    static func parse(_ bytes: ArraySlice<UInt8>) -> Double? {
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        if let value = parseExact(bytes) { return value }
        if bytes.elementsEqual("NaN".utf8) { return .nan }
        if bytes.elementsEqual("+Inf".utf8) { return .infinity }
        if bytes.elementsEqual("-Inf".utf8) { return -.infinity }
        guard isDecimal(bytes[...]) else { return nil }
        // Validated above, so Double's own parser only ever sees a plain decimal.
        guard let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }

    /// Powers of ten a Double holds exactly.
    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The fast path for the usual forms, `[+-]? digits (. digits)?` with at most 15 digits in all: the
    /// digits as an integer (exact below 2^53) divided by an exact power of ten is one correctly rounded
    /// operation, so the result is the same Double a full decimal parse gives (Clinger's fast path).
    /// nil for everything else (exponents, more digits, `.5`, `5.`, names), which the full path handles.
    static func parseExact(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let end = bytes.count
        var negative = false
        if i < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        while i < end, NameRules.isDigit(bytes[i]) {
            mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- UInt8(ascii: "0"))
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        var fractionDigits = 0
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, NameRules.isDigit(bytes[i]) {
                mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- UInt8(ascii: "0"))
                fractionDigits += 1
                i += 1
            }
            guard fractionDigits > 0 else { return nil }
        }
        guard i == end, digits + fractionDigits <= 15 else { return nil }
        let magnitude = Double(mantissa) / exactPowersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }

    /// `[+-]? (digits (. digits?)? | . digits) ([eE] [+-]? digits)?`
    static func isDecimal<C: Collection<UInt8>>(_ bytes: C) -> Bool where C.Index == Int {
        var i = bytes.startIndex
        let end = bytes.endIndex
        if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        var mantissaDigits = 0
        while i < end, NameRules.isDigit(bytes[i]) { i += 1; mantissaDigits += 1 }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, NameRules.isDigit(bytes[i]) { i += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return false }
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            var exponentDigits = 0
            while i < end, NameRules.isDigit(bytes[i]) { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return false }
        }
        return i == end
    }
}
