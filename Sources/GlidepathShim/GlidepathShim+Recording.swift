import Foundation

extension GlidepathShim {
    /// Buffers one outcome line `<arm> <status> <latency_ms>[ tokens=n][ ttft_ms=x]` for the next batch.
    ///
    /// Never blocks on the network. A line the controller would reject (which would sink its whole
    /// batch) is refused here and reported as `.lineRejected`. When the buffer is full the line is
    /// dropped and counted (`.linesDropped`). Candidate errors feed the local breaker.
    public func record(arm: String, status: Int, latency: Duration, tokens: Int? = nil, ttft: Duration? = nil) {
        let snapshot = weights
        if let problem = Self.lineProblem(arm: arm, status: status, tokens: tokens, snapshot: snapshot) {
            emit(.lineRejected(reason: problem))
            return
        }
        var line = arm + " \(status) " + Self.milliseconds(latency)
        if let tokens { line += " tokens=\(tokens)" }
        if let ttft { line += " ttft_ms=" + Self.milliseconds(ttft) }
        let isCandidateError = snapshot.map { arm == $0.candidate && Self.isError(status: status) }
        let threshold = configuration.breakerThreshold
        let tripped: Int? = outbox.withLock { box in
            _ = box.append(line)
            guard let isCandidateError, threshold > 0, arm == snapshot?.candidate else { return nil }
            if !isCandidateError {
                box.consecutiveCandidateErrors = 0
                return nil
            }
            box.consecutiveCandidateErrors += 1
            guard box.consecutiveCandidateErrors >= threshold else { return nil }
            defer { box.consecutiveCandidateErrors = 0 }
            return box.consecutiveCandidateErrors
        }
        if let tripped {
            let until = monotonicNow() + configuration.breakerCooldown
            routeState.withLock { $0.breakerUntil = until }
            emit(.breakerOpened(consecutiveErrors: tripped, cooldown: configuration.breakerCooldown))
        }
    }

    /// Lines buffered and not yet delivered.
    public var bufferedLines: Int { outbox.withLock { $0.count } }

    /// Lines dropped because the buffer was full, since start.
    public var droppedLines: Int { outbox.withLock { $0.droppedTotal } }

    static func lineProblem(arm: String, status: Int, tokens: Int?, snapshot: WeightsSnapshot?) -> String? {
        if arm.isEmpty || arm.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) {
            return "arm \(arm.debugDescription) is empty or contains whitespace"
        }
        if let s = snapshot, arm != s.baseline, arm != s.candidate {
            return "arm \"\(arm)\" is neither \"\(s.baseline)\" nor \"\(s.candidate)\""
        }
        if status != 0 && !(100...599).contains(status) { return "status \(status) is not 0 or 100...599" }
        if let tokens, tokens < 0 { return "tokens \(tokens) is negative" }
        return nil
    }

    /// Non-negative milliseconds with at most three decimals and no exponent ("142.5", "2003", "0.001").
    static func milliseconds(_ d: Duration) -> String {
        let c = d.components
        let micros = c.seconds * 1_000_000 + c.attoseconds / 1_000_000_000_000
        guard micros > 0 else { return "0" }
        let whole = micros / 1000
        let frac = micros % 1000
        if frac == 0 { return "\(whole)" }
        var digits = String(frac)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}
