import GlidepathCore

/// libFuzzer entry point for `ObservationParser` (the ingest line protocol).
///
/// The whole input is one ingest body for arms `base` and `cand`. The parser's answer is compared
/// with a plain reference implementation of the protocol (split on `\n` and spaces, written for
/// clarity, not speed): both accept or both refuse, and an accepted batch has the reference's line
/// count, per-arm requests, errors, client errors, tokens, latency and TTFT histograms and sums, and
/// requests per (class, code). Also checked on every accepted batch: the latency histogram and the codes
/// sum to the requests, sums are finite and within the bounds.
/// A refusal names a line within the body and one of `ObservationError.reasons`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzObservationParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    let classifier = StatusClassifier.standard
    let parsed: Result<ObservationBatch, ObservationError> = Result { () throws(ObservationError) in
        try ObservationParser.parse(body, baseline: "base", candidate: "cand", classifier: classifier)
    }
    let expected = Reference.parse(body, classifier: classifier)

    switch (parsed, expected) {
    case (.failure(let error), .refused):
        if !ObservationError.reasons.contains(error.reason) { fail("unknown reason \(error.reason)") }
        if let line = error.line, line < 1 || line > body.count + 1 { fail("error on line \(line) of \(body.count) bytes") }
    case (.failure(let error), .accepted):
        fail("parser refused what the reference accepts: \(error)")
    case (.success(let batch), .refused(let why)):
        fail("parser accepted \(batch.lines) lines the reference refuses: \(why)")
    case (.success(let batch), .accepted(let reference)):
        if batch.lines != reference.lines { fail("lines \(batch.lines) vs reference \(reference.lines)") }
        if batch.mirrored != reference.mirrored { fail("mirrored \(batch.mirrored) vs reference \(reference.mirrored)") }
        if batch.forced != reference.forced { fail("forced \(batch.forced) vs reference \(reference.forced)") }
        for (arm, index) in [(Arm.baseline, 0), (Arm.candidate, 1)] {
            let got = batch.arms[arm], want = reference.arms[index]
            if got.requests != want.requests || got.errors != want.errors || got.clientErrors != want.clientErrors
                || got.tokens != want.tokens {
                fail("\(arm): parser \(got), reference \(want)")
            }
            if got.requests > 0 && got.latency != want.latency { fail("\(arm) histogram \(got.latency) vs \(want.latency)") }
            if got.requests == 0 && !got.latency.isEmpty { fail("\(arm): a histogram without requests") }
            if got.latency.reduce(0, +) != got.requests { fail("\(arm): histogram total != requests") }
            if !got.latencySum.isFinite || got.latencySum < 0
                || got.latencySum > Double(got.requests) * ObservationParser.maxMilliseconds / 1000 {
                fail("\(arm): latency sum \(got.latencySum) for \(got.requests) requests")
            }
            if abs(got.latencySum - want.latencySum) > 1e-9 * max(1, want.latencySum) {
                fail("\(arm): latency sum \(got.latencySum) vs reference \(want.latencySum)")
            }
            if got.tokens > got.requests * ObservationParser.maxTokens { fail("\(arm): tokens \(got.tokens)") }
            let wantTTFT = want.ttft.allSatisfy { $0 == 0 } ? [] : want.ttft
            if got.ttft != wantTTFT { fail("\(arm) TTFT histogram \(got.ttft) vs \(wantTTFT)") }
            if got.ttft.reduce(0, +) > got.requests { fail("\(arm): more TTFT reports than requests") }
            if !got.ttftSum.isFinite || abs(got.ttftSum - want.ttftSum) > 1e-9 * max(1, want.ttftSum) {
                fail("\(arm): TTFT sum \(got.ttftSum) vs reference \(want.ttftSum)")
            }
            var byCode: UInt64 = 0
            for cls in OutcomeClass.allCases {
                for code in StatusCode.allCases {
                    let n = batch.codes[arm, cls, code]
                    byCode += n
                    if n != want.codes[cls.index * StatusCode.allCases.count + code.index] {
                        fail("\(arm) \(cls.rawValue)/\(code.rawValue): \(n) vs reference")
                    }
                }
            }
            if byCode != got.requests { fail("\(arm): codes add up to \(byCode), not \(got.requests)") }
        }
        // Forced lines are counted apart, never as requests.
        if batch.arms.baseline.requests + batch.arms.candidate.requests + batch.forced.reduce(0, +) != UInt64(batch.lines) {
            fail("requests and forced lines do not add up to \(batch.lines) lines")
        }
    }
    return 0
}

/// The protocol as protocol.md states it, one obvious step at a time.
enum Reference {
    struct ArmTotals: CustomStringConvertible {
        var requests: UInt64 = 0, errors: UInt64 = 0, clientErrors: UInt64 = 0, tokens: UInt64 = 0
        var latency = [UInt64](repeating: 0, count: LatencyBuckets.count)
        var latencySum: Double = 0
        var ttft = [UInt64](repeating: 0, count: LatencyBuckets.count)
        var ttftSum: Double = 0
        /// class × code, counted straight from the status (not through `StatusCode.index`).
        var codes = [UInt64](repeating: 0, count: 18)
        var description: String { "requests \(requests) errors \(errors) client \(clientErrors) tokens \(tokens)" }
    }
    struct Batch { var lines = 0; var mirrored: UInt64 = 0; var forced: [UInt64] = [0, 0]; var arms = [ArmTotals(), ArmTotals()] }
    enum Outcome { case accepted(Batch), refused(String) }
    enum Number { case ok(Double), refused }

    static func parse(_ body: [UInt8], classifier: StatusClassifier) -> Outcome {
        var lines = body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        if lines.isEmpty { return .refused("empty body") }
        var batch = Batch()
        for var line in lines {
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if line.isEmpty { return .refused("empty line") }
            let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
            if fields.count < 3 || fields.contains(where: \.isEmpty) { return .refused("short line or empty field") }
            let arm: Int
            switch String(decoding: fields[0], as: UTF8.self) {
            case "base" where fields[0].count == 4: arm = 0
            case "cand" where fields[0].count == 4: arm = 1
            default: return .refused("unknown arm")
            }
            guard fields[1].allSatisfy(isDigit), let status = Int(String(decoding: fields[1], as: UTF8.self)),
                  fields[1].count == 1 ? status == 0 : (fields[1].count == 3 && (100...599).contains(status))
            else { return .refused("bad status") }
            var seconds = 0.0
            switch milliseconds(fields[2]) {
            case .ok(let s): seconds = s
            case .refused: return .refused("bad latency")
            }
            var tokens: UInt64 = 0
            var ttft: Double?
            var seen: Set<String> = []
            for field in fields.dropFirst(3) {
                guard let eq = field.firstIndex(of: UInt8(ascii: "=")) else { return .refused("field without =") }
                let key = String(decoding: field[..<eq], as: UTF8.self)
                let value = field[(eq + 1)...]
                guard key == "tokens" || key == "ttft_ms" || key == "mirror" || key == "forced",
                      field[..<eq].count == key.utf8.count,
                      seen.insert(key).inserted else { return .refused("unknown or repeated key") }
                if key == "mirror" || key == "forced" {
                    guard Array(value) == [UInt8(ascii: "1")] else { return .refused("\(key) is not 1") }
                } else if key == "tokens" {
                    let digits = value.drop { $0 == UInt8(ascii: "0") }
                    guard !value.isEmpty, value.allSatisfy(isDigit), digits.count <= 10,
                          let n = UInt64(String(decoding: value, as: UTF8.self)), n <= ObservationParser.maxTokens
                    else { return .refused("bad tokens") }
                    tokens = n
                } else {
                    switch milliseconds(value) {
                    case .ok(let s): ttft = s
                    case .refused: return .refused("bad ttft_ms")
                    }
                }
            }
            if seen.contains("forced") {
                if seen.contains("mirror") { return .refused("forced=1 and mirror=1") }
                batch.lines += 1
                batch.forced[arm] += 1  // never evidence
                continue
            }
            if seen.contains("mirror") {
                guard arm == 1 else { return .refused("mirror=1 on the baseline") }
                batch.mirrored += 1
            }
            batch.lines += 1
            switch classifier.classify(status) {
            case .ok: break
            case .error: batch.arms[arm].errors += 1
            case .clientError: batch.arms[arm].clientErrors += 1
            }
            batch.arms[arm].requests += 1
            batch.arms[arm].tokens += tokens
            batch.arms[arm].latency[LatencyBuckets.index(ofSeconds: seconds)] += 1
            batch.arms[arm].latencySum += seconds
            if let ttft {
                batch.arms[arm].ttft[LatencyBuckets.index(ofSeconds: ttft)] += 1
                batch.arms[arm].ttftSum += ttft
            }
            let code = status == 0 ? 5 : status == 429 ? 3 : status < 300 ? 0 : status < 400 ? 1 : status < 500 ? 2 : 4
            batch.arms[arm].codes[classifier.classify(status).index * 6 + code] += 1
        }
        return .accepted(batch)
    }

    /// `digits[.digits]` milliseconds as seconds, at most `maxMilliseconds`. As the protocol says: fraction
    /// digits past the ninth are ignored, and the value is the decimal mantissa divided once by a power of ten.
    static func milliseconds(_ text: ArraySlice<UInt8>) -> Number {
        let parts = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isDigit) }) else { return .refused }
        let integer = parts[0].drop { $0 == UInt8(ascii: "0") }
        if integer.count > 10 { return .refused }
        let fraction = parts.count == 2 ? Array(parts[1].prefix(9)) : []
        var mantissa: UInt64 = 0
        for digit in Array(integer) + fraction { mantissa = mantissa * 10 + UInt64(digit - UInt8(ascii: "0")) }
        var power = 1.0
        for _ in 0..<(fraction.count + 3) { power *= 10 }
        let seconds = Double(mantissa) / power
        return seconds > ObservationParser.maxMilliseconds / 1000 ? .refused : .ok(seconds)
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}

func fail(_ message: String) -> Never {
    fatalError("FuzzObservations invariant: \(message)")
}
