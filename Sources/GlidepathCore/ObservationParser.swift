/// Parses the ingest line protocol (protocol.md, "Ingest endpoint") without allocating per line.
///
/// A body is lines `<arm> <status> <latency_ms>[ <key>=<value>]...`, fields separated by single spaces,
/// lines ended by `\n` (a `\r` before it is accepted; so is a missing `\n` after the last line).
/// An empty line other than after the final `\n` is an error.
///
/// - `arm`: the baseline's or the candidate's name, byte for byte.
/// - `status`: `0` (no response) or `100`...`599`, written as exactly those digits.
/// - `latency_ms`: digits with an optional fraction (`142`, `142.5`): no sign, exponent, hex, `inf`
///   or `nan`; at most `maxMilliseconds`.
/// - `tokens=<digits>` (at most `maxTokens`) and `ttft_ms=<latency syntax>`, each at most once;
///   `forced=1` (an override rule forced the arm: the line is only counted as forced, never as the
///   judge's evidence), at most once; `mirror=1` (a background shadow copy sent to the candidate: the
///   candidate's evidence like any other line, also counted in `ObservationBatch.mirrored`; only on a
///   candidate line), at most once; a line may not carry both; any other key is an error.
///
/// The parser walks the raw bytes once and aggregates straight into per-arm counters (requests by class
/// and status code group, tokens, latency and `ttft_ms` histograms); nothing is allocated per line.
/// The batch is all or nothing: the first bad line throws.
package enum ObservationParser {
    /// Largest latency (and time to first token) accepted: one billion milliseconds, about 11.6 days;
    /// anything larger is a unit mistake, not a slow request.
    package static let maxMilliseconds: Double = 1_000_000_000
    /// Largest `tokens` value accepted on one line.
    package static let maxTokens: UInt64 = 1_000_000_000

    /// Parses a whole body. All or nothing: the first bad line throws and nothing is returned.
    package static func parse(_ body: UnsafeRawBufferPointer, baseline: String, candidate: String,
                             classifier: StatusClassifier) throws(ObservationError) -> ObservationBatch {
        guard body.count > 0, let raw = body.baseAddress else { throw emptyBody }
        let p = raw.assumingMemoryBound(to: UInt8.self)
        let n = body.count
        var agg = ObservationAggregator(baseline: baseline, candidate: candidate)
        defer { agg.deallocate() }
        var lineNumber = 0
        var start = 0
        while start < n {
            lineNumber += 1
            var stop = start
            while stop < n && p[stop] != newline { stop += 1 }
            var end = stop
            if end > start && p[end - 1] == carriageReturn { end -= 1 }
            if end == start {
                if lineNumber == 1 && onlyLineBreaks(p, n) { throw emptyBody }
                throw ObservationError(line: lineNumber, message: "empty line", reason: "malformed")
            }
            try parseLine(p, start, end, line: lineNumber, into: &agg, classifier: classifier)
            start = stop + 1
        }
        return agg.batch(lines: lineNumber)
    }

    /// Convenience for tests and small bodies.
    package static func parse(_ body: [UInt8], baseline: String, candidate: String,
                             classifier: StatusClassifier) throws(ObservationError) -> ObservationBatch {
        let result = body.withUnsafeBytes { raw in
            Result { () throws(ObservationError) -> ObservationBatch in
                try parse(raw, baseline: baseline, candidate: candidate, classifier: classifier)
            }
        }
        return try result.get()
    }

    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let equals = UInt8(ascii: "=")

    static let emptyBody = ObservationError(line: nil, message: "empty body: expected one observation per line",
                                            reason: "empty")

    static func onlyLineBreaks(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for i in 0..<n where p[i] != newline && p[i] != carriageReturn { return false }
        return true
    }

    /// The end of the field starting at `s`: the next space or `e`.
    @inline(__always)
    static func fieldEnd(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Int {
        var i = s
        while i < e && p[i] != space { i += 1 }
        return i
    }

    /// Parses one line `[s, e)` (line ending already stripped) into `agg`.
    @inline(__always)
    static func parseLine(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, line: Int,
                          into agg: inout ObservationAggregator,
                          classifier: StatusClassifier) throws(ObservationError) {
        // Split the three positional fields first, so a short line is reported as such.
        let armEnd = fieldEnd(p, s, e)
        if armEnd == s { throw emptyField(line) }
        if armEnd == e { throw tooFewFields(line, 1) }
        let statusStart = armEnd + 1
        let statusEnd = fieldEnd(p, statusStart, e)
        if statusEnd == statusStart { throw emptyField(line) }
        if statusEnd == e { throw tooFewFields(line, 2) }
        let latencyStart = statusEnd + 1
        let latencyEnd = fieldEnd(p, latencyStart, e)
        if latencyEnd == latencyStart { throw emptyField(line) }

        guard let arm = agg.armIndex(p, s, armEnd) else {
            throw ObservationError(line: line, message: "unknown arm \(quoted(p, s, armEnd)) (expected "
                                   + "\(quoted(agg.name(0))) or \(quoted(agg.name(1))))", reason: "unknown_arm")
        }
        let status = parseStatus(p, statusStart, statusEnd)
        if status < 0 {
            throw ObservationError(line: line, message: "status \(quoted(p, statusStart, statusEnd)) is not 0 "
                                   + "or an HTTP status 100–599", reason: "bad_status")
        }
        let seconds = parseSeconds(p, latencyStart, latencyEnd)
        if seconds < 0 {
            throw badMilliseconds("latency", seconds, p, latencyStart, latencyEnd, line: line, reason: "bad_latency")
        }

        var tokens: UInt64 = 0
        var sawTokens = false
        var ttft = -1.0
        var forced = false
        var mirror = false
        var i = latencyEnd
        while i < e {
            let fs = i + 1
            let fe = fieldEnd(p, fs, e)
            if fe == fs { throw emptyField(line) }
            var eq = fs
            while eq < fe && p[eq] != equals { eq += 1 }
            if eq == fe {
                throw ObservationError(line: line, message: "field \(quoted(p, fs, fe)) is not <key>=<value>",
                                       reason: "bad_field")
            }
            if matches(p, fs, eq, "tokens") {
                if sawTokens { throw duplicate(line, "tokens") }
                sawTokens = true
                tokens = parseTokens(p, eq + 1, fe)
                if tokens > maxTokens {
                    let problem = tokens == tooLargeTokens
                        ? "exceeds the maximum of 1000000000" : "is not a non-negative integer"
                    throw ObservationError(line: line, message: "tokens \(quoted(p, eq + 1, fe)) \(problem)",
                                           reason: "bad_field")
                }
            } else if matches(p, fs, eq, "ttft_ms") {
                if ttft >= 0 { throw duplicate(line, "ttft_ms") }
                ttft = parseSeconds(p, eq + 1, fe)
                if ttft < 0 { throw badMilliseconds("ttft_ms", ttft, p, eq + 1, fe, line: line, reason: "bad_field") }
            } else if matches(p, fs, eq, "forced") {
                if forced { throw duplicate(line, "forced") }
                guard fe == eq + 2, p[eq + 1] == UInt8(ascii: "1") else {
                    throw ObservationError(line: line, message: "forced \(quoted(p, eq + 1, fe)) must be 1 (leave "
                                           + "the field out for a request routed by the weights)", reason: "bad_field")
                }
                forced = true
            } else if matches(p, fs, eq, "mirror") {
                if mirror { throw duplicate(line, "mirror") }
                mirror = true
                if !matches(p, eq + 1, fe, "1") { throw badMirror(p, eq + 1, fe, line: line) }
            } else {
                throw ObservationError(line: line, message: "unknown field \(quoted(p, fs, eq)) (expected tokens, "
                                       + "ttft_ms, forced or mirror)", reason: "bad_field")
            }
            i = fe
        }
        if forced && mirror { throw forcedAndMirror(line) }
        if forced {
            agg.addForced(arm: arm)
            return
        }
        if mirror {
            if arm != 1 { throw mirrorOnBaseline(line, agg.name(0)) }
            agg.mirrored &+= 1
        }
        agg.add(arm: arm, classIndex: classifier.classIndex(status), codeIndex: StatusCode.index(of: status),
                seconds: seconds, tokens: tokens, ttft: ttft)
    }

    /// True when bytes `[s, e)` equal `word`.
    @inline(__always)
    static func matches(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard e - s == count else { return false }
        let w = word.utf8Start
        for k in 0..<count where p[s + k] != w[k] { return false }
        return true
    }
}
