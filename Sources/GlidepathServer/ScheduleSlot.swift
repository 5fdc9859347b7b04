import GlidepathCore

/// One migration's place in the control loop's schedule (`MigrationTable.schedule`).
struct ScheduleSlot: Sendable {
    /// The policy's interval in milliseconds.
    var interval: Int64
    /// Where its grid lines fall within the interval when rounds are spread (`Ticker.phase(of:interval:)`).
    var phase: Int64
    var lastTickAt: Int64?
    /// False once promoted or rolled back: never judged again until restarted.
    var live: Bool

    init(_ e: MigrationEntry) {
        interval = e.policy.interval.milliseconds
        phase = Ticker.phase(of: e.name, interval: interval)
        lastTickAt = e.judge.lastTickAt
        live = !e.status.phase.isTerminal
    }
}
