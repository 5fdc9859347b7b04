import GlidepathCore

/// Replays a recorded log through a policy at recorded time: "would it have caught last Tuesday?".
///
/// The log has one request per line, `<unix_ms> <arm> <status> <latency_ms>[ tokens=N][ ttft_ms=X]`: the
/// ingest line protocol with the request's time (milliseconds since the Unix epoch) in front. Lines that
/// are empty or start with `#` are skipped. Times must not decrease from one line to the next (a log
/// out of order is refused with the line, not sorted: `sort -n -k1,1` puts it in order).
///
/// From the first line's time t₀, the migration starts at its first step and the control loop ticks
/// every `policy.interval` (t₀ + interval, t₀ + 2·interval, …, up to the tick after the last line): each
/// tick's lines — those with t₀ + (k−1)·interval ≤ t < t₀ + k·interval — are parsed by the real
/// `ObservationParser` (so a bad line is refused exactly as `POST …/observations` would refuse it) and
/// added to the arms' cumulative counters, which go to the real `ControlTick.run`, judge and state
/// machine, as `simulate` uses them. Ticks without lines run too (bakes, `maxHold` and `noDataAfter`
/// move on). Judging stops at promotion or rollback; the rest of the file is still checked.
///
/// The replay feeds the recorded requests as they were: the split between the arms is the one the log
/// was recorded under, not the weights the replayed decisions would have set (an advance does not send
/// more requests to the candidate, a rollback does not stop them). The decisions are what the judge
/// would have said about that evidence, at those times — not a re-routing of the traffic.
package struct Replayer {
    /// Most lines read (comments included).
    package static let maximumLines = 10_000_000
    /// Longest line, in bytes.
    package static let maximumLineBytes = 4096
    /// Longest span between the first and the last request: 31 days.
    package static let maximumSpanMilliseconds: Int64 = 31 * 86_400_000
    /// Largest timestamp: 9,999,999,999,999 ms (the year 2286).
    package static let maximumTimestamp: Int64 = 9_999_999_999_999

    package let policy: Policy
    let judge: any Judge
    let interval: Int64
    /// With zones, the policy's calendar (`schedule`, `notBefore`) applies at the recorded times.
    let zones: (any TimeZoneResolver)?

    private(set) package var lines = 0
    private(set) package var requests = ArmPair()
    private(set) package var firstMilliseconds: Int64?
    private(set) package var lastMilliseconds: Int64 = 0
    private(set) package var ticks = 0
    private(set) package var decisions: [ReplayDecision] = []
    private(set) package var status: MigrationStatus
    private(set) package var state: JudgeState

    /// The current tick's lines (without their timestamps) and their line numbers in the file.
    private var body: [UInt8] = []
    private var bodyLines: [Int] = []
    /// End (exclusive) of the current tick's window; the tick runs at this time.
    private var boundary: Int64 = 0
    private var counters = ArmPair()

    package init(policy: Policy, judge: any Judge, zones: (any TimeZoneResolver)? = nil) {
        self.policy = policy
        self.judge = judge
        self.zones = zones
        interval = policy.interval.milliseconds
        let start = StateMachine.start(policy: policy, policyVersion: 1, now: 0)
        status = start.status
        state = start.judge
    }

    /// Reads one line (without its line break; a trailing `\r` is accepted), the file's `number`-th.
    package mutating func feed(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws(ReplayError) {
        lines += 1
        if lines > Self.maximumLines {
            throw ReplayError(line: number, message: "more than \(Self.maximumLines) lines; split the log")
        }
        var end = line.count
        if end > 0 && line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        if end == 0 || line[0] == UInt8(ascii: "#") { return }
        if end > Self.maximumLineBytes {
            throw ReplayError(line: number, message: "the line is longer than \(Self.maximumLineBytes) bytes")
        }
        var i = 0
        var t: Int64 = 0
        while i < end, i < 14, line[i] &- 48 <= 9 {
            t = t * 10 + Int64(line[i] &- 48)
            i += 1
        }
        guard i > 0, i < end, line[i] == UInt8(ascii: " "), t <= Self.maximumTimestamp else {
            var j = 0
            while j < end && line[j] != UInt8(ascii: " ") { j += 1 }
            let text = String(decoding: UnsafeBufferPointer(rebasing: line[0..<min(j, 64)]), as: UTF8.self)
            throw ReplayError(line: number, message: i > 0 && i == end
                ? "expected <unix_ms> <arm> <status> <latency_ms>, found 1 field"
                : "timestamp \"\(text)\" is not a time in milliseconds since the Unix epoch (digits, at most "
                    + "\(Self.maximumTimestamp))")
        }
        try accept(t, line: number)
        body.append(contentsOf: UnsafeBufferPointer(rebasing: line[(i + 1)..<end]))
        body.append(UInt8(ascii: "\n"))
        bodyLines.append(number)
    }

    /// Checks the time of line `number` and runs the ticks that end at or before it.
    private mutating func accept(_ t: Int64, line number: Int) throws(ReplayError) {
        guard let first = firstMilliseconds else {
            firstMilliseconds = t
            lastMilliseconds = t
            let start = StateMachine.start(policy: policy, policyVersion: 1, now: t)
            status = start.status
            state = start.judge
            // The counters start at zero: that is the first snapshot, so the first tick judges.
            state.lastSnapshot = counters
            boundary = t + interval
            return
        }
        if t < lastMilliseconds {
            throw ReplayError(line: number, message: "timestamp \(t) is earlier than the previous line's "
                              + "(\(lastMilliseconds)); the log must be in time order (sort -n -k1,1)")
        }
        if t - first > Self.maximumSpanMilliseconds {
            throw ReplayError(line: number, message: "timestamp \(t) is more than 31 days after the first line's "
                              + "(\(first)); replay at most 31 days")
        }
        lastMilliseconds = t
        while t >= boundary { try tick() }
    }

    /// Ends the log: runs the last tick (the one holding the last lines).
    package mutating func finish() throws(ReplayError) {
        guard firstMilliseconds != nil else {
            throw ReplayError(line: nil, message: "no request lines in the log")
        }
        try tick()
    }

    /// Parses the tick's lines, adds them to the counters, and runs the control tick at `boundary`.
    private mutating func tick() throws(ReplayError) {
        if !body.isEmpty {
            let batch: ObservationBatch
            do {
                batch = try ObservationParser.parse(body, baseline: policy.baseline, candidate: policy.candidate,
                                                    classifier: policy.guards.classifier)
            } catch {
                let line = error.line.map { bodyLines[min(bodyLines.count, max(1, $0)) - 1] }
                let hint = error.reason == "unknown_arm" ? "; the policy (--policy FILE) names the log's arms" : ""
                throw ReplayError(line: line, message: error.message + hint)
            }
            counters.merge(batch.arms)
            requests.merge(batch.arms)
            body.removeAll(keepingCapacity: true)
            bodyLines.removeAll(keepingCapacity: true)
        }
        defer { boundary += interval }
        guard !status.phase.isTerminal else { return }
        ticks += 1
        let outcome = ControlTick.run(policy: policy, status: status, state: state, snapshot: counters,
                                      judge: judge, calendar: zones.map { CalendarInput(wall: boundary, zones: $0) },
                                      now: boundary)
        state = outcome.judge
        if let t = outcome.transition {
            status = t.status
            decisions.append(ReplayDecision(offsetMilliseconds: boundary - (firstMilliseconds ?? boundary),
                                            atMilliseconds: boundary, decision: t.decision,
                                            rule: outcome.verdict.rule))
        }
    }

    /// The last verdict the judge gave (nil before the first tick).
    package var lastVerdict: Verdict? { state.lastVerdict }
}

/// One change of state the replayed policy made.
package struct ReplayDecision: Hashable, Sendable {
    /// Since the first line.
    package var offsetMilliseconds: Int64
    /// The tick's time (ms since the Unix epoch, on the log's clock).
    package var atMilliseconds: Int64
    package var decision: Decision
    /// The rule of the verdict behind it.
    package var rule: Verdict.Rule

    package init(offsetMilliseconds: Int64, atMilliseconds: Int64, decision: Decision, rule: Verdict.Rule) {
        self.offsetMilliseconds = offsetMilliseconds
        self.atMilliseconds = atMilliseconds
        self.decision = decision
        self.rule = rule
    }
}

/// A log that cannot be replayed: the 1-based line (nil for the whole file) and what is wrong with it.
package struct ReplayError: Error, Hashable, Sendable, CustomStringConvertible {
    package var line: Int?
    package var message: String

    package init(line: Int?, message: String) {
        self.line = line
        self.message = message
    }

    package var description: String { line.map { "line \($0): \(message)" } ?? message }
}
