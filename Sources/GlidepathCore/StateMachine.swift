/// The migration lifecycle (protocol.md): pure functions from a state and an event to a `Transition`.
/// Every transition bumps the revision and carries a `Decision` for the audit log.
public enum StateMachine {
    /// A new migration: step 0, `ramping`, revision 1, decision `created`.
    public static func start(policy: Policy, policyVersion: Int, now: Int64) -> Transition {
        fatalError("TODO")
    }

    /// An operator's action. Refused (409, nothing changes) when it makes no sense in the current phase.
    public static func apply(_ action: OperatorAction, reason: String?, status: MigrationStatus,
                             judge: JudgeState, policy: Policy, now: Int64) throws(TransitionRefused) -> Transition {
        fatalError("TODO")
    }

    /// The judge's verdict at a tick; nil when nothing changes (hold, or paused).
    public static func judged(_ verdict: Verdict, status: MigrationStatus, judge: JudgeState,
                              policy: Policy, now: Int64) -> Transition? {
        fatalError("TODO")
    }

    /// A changed policy becomes version `newVersion`; keeps progress where that is safe (see the README's rule).
    public static func updatePolicy(from old: Policy, to new: Policy, newVersion: Int, status: MigrationStatus,
                                    judge: JudgeState, now: Int64) -> Transition {
        fatalError("TODO")
    }
}
