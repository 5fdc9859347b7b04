extension StateMachine {
    /// Builds a transition from `status`: revision + 1, `updatedAt = now`, the reason stored, and the
    /// decision describing it. A new step, a terminal phase or `restartsStep` starts the step clock and
    /// resets the step's evidence and the judge's memory.
    static func transition(from status: MigrationStatus, judge: JudgeState, policy: Policy,
                           phase: Phase, step: Int, action: Decision.Action, actor: DecisionActor, reason: String,
                           evidence: [GuardEvidence] = [], now: Int64, restartsStep: Bool = false,
                           policyVersion: Int? = nil) -> Transition {
        var next = status
        next.phase = phase
        next.step = step
        next.revision = status.revision + 1
        next.updatedAt = now
        next.reason = reason
        if let policyVersion { next.policyVersion = policyVersion }
        // An operator hold lasts while the migration stays paused at a step above it (a policy edit may
        // move it to a step at or below the held weight: then that step's weight is served).
        if let held = status.heldWeight, phase == .paused, policy.steps.indices.contains(step),
           held < policy.steps[step].weight {
            next.heldWeight = held
        } else {
            next.heldWeight = nil
        }
        var nextJudge = judge
        if restartsStep || step != status.step || (phase.isTerminal && !status.phase.isTerminal) {
            next.stepStartedAt = now
            next.stepStartedWall = nil
            nextJudge = judge.resetForNewStep()
        }
        let decision = Decision(at: now, revision: next.revision, action: action, fromStep: status.step,
                                toStep: step, baseline: policy.baseline, candidate: policy.candidate,
                                candidateWeight: next.candidateWeight(policy), actor: actor, reason: reason,
                                evidence: evidence)
        return Transition(status: next, decision: decision, judge: nextJudge)
    }
}
