extension StateMachine {
    /// `set-weight`: an operator hold at `weight`, strictly below the current step's weight and at least 0 —
    /// the migration becomes `paused` at its step with the candidate at `weight` (`heldWeight`) until
    /// `resume` (back to the step's weight, ramping), `advance`, `back`, `promote` or `rollback`. The step
    /// clock and evidence carry on (like `pause`): only the exposure is lowered. Refused (409) in a terminal
    /// phase, without a weight, or at or above the step's weight (a hold never raises the candidate's share).
    static func held(at weight: Weight?, reason text: String?, status: MigrationStatus, judge: JudgeState,
                     policy: Policy, now: Int64) throws(TransitionRefused) -> Transition {
        let phase = status.phase
        guard !phase.isTerminal else {
            throw refusal(.setWeight, status, allowed: "ramping, waiting or paused", target: nil)
        }
        guard let weight else {
            throw TransitionRefused(action: .setWeight, phase: phase,
                                    message: "set-weight needs a weight (a percentage below the current step's)")
        }
        guard policy.steps.indices.contains(status.step) else {
            throw TransitionRefused(action: .setWeight, phase: phase,
                                    message: "cannot set the weight of \(jsonQuoted(status.migration)): its step "
                                        + "\(status.step) is not in the policy")
        }
        let stepWeight = policy.steps[status.step].weight
        let here = ReasonFormat.step(status.step, policy)
        guard weight.basisPoints >= 0, weight < stepWeight else {
            throw TransitionRefused(action: .setWeight, phase: phase,
                                    message: "cannot set the weight of \(jsonQuoted(status.migration)) to "
                                        + "\(ReasonFormat.weight(weight)): an operator hold must be below the "
                                        + "current \(here) and at least 0% (advance or promote raise it)")
        }
        if phase == .paused, status.heldWeight == weight {
            throw TransitionRefused(action: .setWeight, phase: phase,
                                    message: "cannot set the weight of \(jsonQuoted(status.migration)): it is "
                                        + "already held at \(ReasonFormat.weight(weight))")
        }
        var t = transition(from: status, judge: judge, policy: policy, phase: .paused, step: status.step,
                           action: .setWeight, actor: .operator,
                           reason: withOperatorText("operator held the candidate at \(ReasonFormat.weight(weight)) "
                               + "at \(here); resume returns to \(ReasonFormat.weight(stepWeight))", text),
                           now: now)
        t.status.heldWeight = weight
        t.decision.candidateWeight = weight
        return t
    }
}
