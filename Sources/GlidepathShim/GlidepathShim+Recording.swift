import Foundation

extension GlidepathShim {
    /// Buffers one outcome line `<arm> <status> <latency_ms>[ tokens=n][ ttft_ms=x][ forced=1 | mirror=1]` for the
    /// next batch.
    /// `forced`: an override rule chose the arm (`Route.forced`); the controller keeps it out of the evidence.
    ///
    /// Never blocks on the network. A line the controller would reject (which would sink its whole
    /// batch) is refused here and reported as `.lineRejected`. When the buffer is full the line is
    /// dropped and counted (`.linesDropped`). Candidate outcomes feed the local breaker
    /// (errors per the document's `errorStatuses`).
    ///
    /// `forced: true` marks a request an override rule forced to `arm` (`forced=1`): counted apart, never
    /// evidence. `mirror: true` marks the outcome of a background shadow copy sent to the candidate
    /// (`mirror=1`): the controller counts it as the candidate's evidence, but it never feeds the breaker
    /// (no user saw it). The two are exclusive: both at once is refused (`.lineRejected`).
    public func record(arm: String, status: Int, latency: Duration, tokens: Int? = nil, ttft: Duration? = nil,
                       forced: Bool = false, mirror: Bool = false) {
        let snapshot = weights
        if let problem = Self.lineProblem(arm: arm, status: status, tokens: tokens, snapshot: snapshot)
            ?? (mirror && snapshot.map { arm != $0.candidate } == true ? "a mirrored copy must be recorded on the candidate" : nil)
            ?? (mirror && forced ? "a line is forced or mirrored, never both" : nil) {
            emit(.lineRejected(reason: problem))
            return
        }
        var line = arm + " \(status) " + Self.milliseconds(latency)
        if let tokens { line += " tokens=\(tokens)" }
        if let ttft { line += " ttft_ms=" + Self.milliseconds(ttft) }
        if mirror { line += " mirror=1" } else if forced { line += " forced=1" }
        _ = outbox.withLock { $0.append(line) }
        if let snapshot, arm == snapshot.candidate, !mirror { feedBreaker(status: status, snapshot: snapshot) }
    }

    /// Counts a candidate outcome: `consecutiveErrors` errors in a row (per the document's
    /// `errorStatuses`; a success resets the count) open the breaker for `openSeconds`. Outcomes that
    /// arrive while it is open (requests already in flight) do not count towards the next opening.
    func feedBreaker(status: Int, snapshot: WeightsSnapshot) {
        guard let settings = Self.breakerSettings(configuration, snapshot) else { return }
        let isError = snapshot.errorStatuses.contains(status)
        let now = clockSeconds()
        let opened: Bool = routeState.withLock { state in
            if let until = state.breakerUntil, now < until { return false }
            guard isError else {
                state.consecutiveCandidateErrors = 0
                return false
            }
            state.consecutiveCandidateErrors += 1
            guard state.consecutiveCandidateErrors >= settings.consecutiveErrors else { return false }
            state.consecutiveCandidateErrors = 0
            state.breakerUntil = now + settings.openSeconds
            return true
        }
        guard opened else { return }
        outbox.withLock {
            $0.tripsTotal += 1
            $0.tripsUnreported += 1
        }
        emit(.breakerOpened(consecutiveErrors: settings.consecutiveErrors, cooldown: settings.openSeconds))
    }

    /// Lines buffered and not yet delivered.
    public var bufferedLines: Int { outbox.withLock { $0.count } }

    /// Lines dropped because the buffer was full, since start.
    public var droppedLines: Int { outbox.withLock { $0.droppedTotal } }

    /// Times the breaker opened, since start (each is reported once to the controller).
    public var breakerTrips: Int { outbox.withLock { $0.tripsTotal } }

    /// Requests `call(key:_:)` answered from the baseline after the candidate failed, since start.
    public var fallbacks: Int { outbox.withLock { $0.fallbacksTotal } }

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
