extension StateMachine {
    /// Repairs a quarantined migration with a valid policy (version `policyVersion`): a transition from
    /// what was last known of it, which never raises the candidate's weight.
    ///
    /// - Last known terminal (promoted / rolled back): stays so under the new policy.
    /// - Last known live at weight `w`: the highest new step whose weight is at most `w`, in its last phase
    ///   when that was `paused`, else `ramping`; refused when every step is above `w`.
    /// - Nothing known (no decodable status or decision): rolled back, since nothing was being served and
    ///   shims were on their default arm; an operator `restart` starts it.
    ///
    /// The step clock and the evidence start afresh (`JudgeState.initial`: the first tick only takes a
    /// counter snapshot). Decision `policy`, actor operator, revision `revision + 1`.
    package static func repair(policy: Policy, policyVersion: Int, revision: Int64, lastPhase: Phase?,
                              lastCandidateWeight: Weight?, problem: String,
                              now: Int64) throws(TransitionRefused) -> Transition {
        let applied = "policy version \(policyVersion) applied to repair the quarantined migration (\(problem))"
        var phase: Phase
        var step = 0
        var why: String
        switch (lastPhase, lastCandidateWeight) {
        case (let p?, _) where p.isTerminal:
            phase = p
            step = max(0, policy.steps.count - 1)
            why = "it stays \(p == .promoted ? "promoted" : "rolled back")"
        case (let p, let w?):
            guard let target = policy.steps.lastIndex(where: { $0.weight <= w }) else {
                throw TransitionRefused(action: .resume, phase: p ?? .ramping, message:
                    "every step of the new policy is above the candidate's last weight \(ReasonFormat.weight(w)); "
                    + "add a step at or below it, or roll the migration back first")
            }
            phase = p == .paused ? .paused : .ramping
            step = target
            why = "continuing at \(ReasonFormat.step(target, policy)), the highest step not above the last "
                + ReasonFormat.weight(w)
        default:
            phase = .rolledBack
            why = "nothing is known of its last weights, so it stays on the baseline (rolled back) until restarted"
        }
        let status = MigrationStatus(migration: policy.migration, policyVersion: policyVersion, phase: phase,
                                     step: step, revision: revision, stepStartedAt: now, updatedAt: now, reason: "")
        return transition(from: status, judge: .initial, policy: policy, phase: phase, step: step, action: .policy,
                          actor: .operator, reason: "\(applied); \(why)", now: now, restartsStep: true,
                          policyVersion: policyVersion)
    }
}
