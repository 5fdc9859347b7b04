/// What one tick produced for one migration.
public struct TickOutcome: Sendable {
    /// The judge state to persist (always changes: evidence, last tick time).
    public var judge: JudgeState
    /// The verdict of this tick.
    public var verdict: Verdict
    /// A change of state, if the verdict caused one (it already carries the reset judge state).
    public var transition: Transition?

    public init(judge: JudgeState, verdict: Verdict, transition: Transition?) {
        self.judge = judge
        self.verdict = verdict
        self.transition = transition
    }
}

/// One control-loop tick for one migration, pure: increments from the cumulative counters
/// (a drop means the source restarted and the new value is the increment), step evidence, the judge,
/// the state machine. The control loop and the simulator both call this.
public enum ControlTick {
    public static func run(policy: Policy, status: MigrationStatus, state: JudgeState, snapshot: ArmPair,
                           judge: any Judge, now: Int64) -> TickOutcome {
        fatalError("TODO")
    }
}
