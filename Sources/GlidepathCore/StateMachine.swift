/// The migration lifecycle (protocol.md): pure functions from a state and an event to a `Transition`.
/// Every transition bumps the revision by exactly one and carries a `Decision` for the audit log.
///
/// Steps are 0-based, as the API shows them. A transition that changes the step (or ends the
/// migration, or restarts it) starts the step clock (`stepStartedAt = now`) and resets the step's
/// evidence and the judge's memory; one that only changes the phase (pause, resume, wait) keeps both.
package enum StateMachine {
    /// A new migration: step 0, `ramping`, revision 1, decision `created` by the operator.
    package static func start(policy: Policy, policyVersion: Int, now: Int64) -> Transition {
        let reason = "migration created with policy version \(policyVersion); starting at "
            + ReasonFormat.step(0, policy)
        let status = MigrationStatus(migration: policy.migration, policyVersion: policyVersion, phase: .ramping,
                                     step: 0, revision: 1, stepStartedAt: now, updatedAt: now, reason: reason)
        let decision = Decision(at: now, revision: 1, action: .created, fromStep: 0, toStep: 0,
                                baseline: policy.baseline, candidate: policy.candidate,
                                candidateWeight: status.candidateWeight(policy), actor: .operator, reason: reason)
        return Transition(status: status, decision: decision, judge: .initial)
    }

    /// An operator's action. Refused (409, nothing changes) when it makes no sense in the current phase:
    ///
    /// | action | allowed from | goes to |
    /// |---|---|---|
    /// | `pause` | ramping, waiting | paused (same step) |
    /// | `resume` | paused / waiting | ramping (same step) / the next step, ramping (the gate opens) |
    /// | `advance` | ramping, waiting, paused | the next step, ramping, skipping bake and gate; promoted after the last |
    /// | `promote` | ramping, waiting, paused | promoted |
    /// | `rollback` | ramping, waiting, paused | rolled_back |
    /// | `restart` | promoted, rolled_back | step 0, ramping |
    /// | `set-weight` | ramping, waiting, paused | paused at `weight` (0 ≤ weight < the step's), same step |
    /// | `back` | ramping, waiting, paused, past step 0 | the previous step, ramping, bake starting over |
    ///
    /// `reason`, when given, is appended to the default sentence ("operator paused at step 1 (10%): ...").
    /// `weight` is `set-weight`'s (required there, ignored otherwise).
    package static func apply(_ action: OperatorAction, reason: String?, weight: Weight? = nil,
                             status: MigrationStatus, judge: JudgeState, policy: Policy,
                             now: Int64) throws(TransitionRefused) -> Transition {
        try operatorTransition(action, reason: reason, weight: weight, status: status, judge: judge, policy: policy,
                               now: now)
    }

    /// The judge's verdict at a tick; nil when nothing changes.
    ///
    /// - `advance` while ramping: the next step; if that step has a gate (manual or webhook), `waiting` at
    ///   the current step instead (decision `wait`); from the last step, `promoted` (decision `promote`).
    /// - `advance` while waiting at a webhook gate that answered 2xx (`gateOpen`): the next step, ramping.
    /// - `rollback` while ramping or waiting: `rolled_back`.
    /// - `hold`, any verdict while paused or terminal, and any other `advance` while waiting: nil.
    package static func judged(_ verdict: Verdict, status: MigrationStatus, judge: JudgeState,
                              policy: Policy, gateOpen: Bool = false, now: Int64) -> Transition? {
        let current = status.step
        switch (verdict.action, status.phase) {
        case (.advance, .waiting):
            guard gateOpen, policy.gate(after: current)?.webhook != nil else { return nil }
            return transition(from: status, judge: judge, policy: policy, phase: .ramping, step: current + 1,
                              action: .advance, actor: .judge, reason: verdict.reason,
                              evidence: verdict.evidence, now: now)
        case (.advance, .ramping):
            let next = current + 1
            if next >= policy.steps.count {
                return transition(from: status, judge: judge, policy: policy, phase: .promoted, step: current,
                                  action: .promote, actor: .judge, reason: verdict.reason,
                                  evidence: verdict.evidence, now: now)
            }
            if let gate = policy.steps[next].gate {
                let reason = gate.webhook.map { "\(verdict.reason); waiting for webhook gate \($0.host) before "
                    + ReasonFormat.step(next, policy) } ?? verdict.reason
                return transition(from: status, judge: judge, policy: policy, phase: .waiting, step: current,
                                  action: .wait, actor: .judge, reason: reason,
                                  evidence: verdict.evidence, now: now)
            }
            return transition(from: status, judge: judge, policy: policy, phase: .ramping, step: next,
                              action: .advance, actor: .judge, reason: verdict.reason,
                              evidence: verdict.evidence, now: now)
        case (.rollback, .ramping), (.rollback, .waiting):
            return transition(from: status, judge: judge, policy: policy, phase: .rolledBack, step: current,
                              action: .rollback, actor: .judge, reason: verdict.reason,
                              evidence: verdict.evidence, now: now)
        default:
            return nil
        }
    }

    /// A changed policy becomes version `newVersion`. Editing a policy never raises the traffic any arm
    /// gets; the rule (the README's table, "Editing a policy"):
    ///
    /// - **ramping, waiting, paused.** The migration moves to the highest new step whose weight is at most
    ///   the candidate's current weight. If the step index, its weight and the arms are unchanged, the
    ///   step's clock (bake time) and its evidence carry on; otherwise the step starts afresh (and a
    ///   `waiting` migration goes back to `ramping`: the judge must pass the step again). If the baseline
    ///   or candidate name changed, the counter snapshot is dropped too: the arms' evidence starts from
    ///   zero, and the first tick under the new names only takes a snapshot. `paused` stays paused.
    ///   If every new step is above the current weight, the edit is refused.
    /// - **promoted, rolled back.** The new version is recorded and the migration stays where it is, with
    ///   the same weights: nothing restarts by itself (`restart` starts it over under the newest policy).
    ///   Renaming the arm that holds all traffic (the candidate when promoted, the baseline when rolled
    ///   back) is refused: all traffic would go to an arm nobody tested.
    ///
    /// A transition (decision `policy`, actor operator) when applied: the revision moves with the policy
    /// version. Refused: `PolicyEditRefused` (HTTP 409), with a sentence saying why and what to do.
    package static func updatePolicy(from old: Policy, to new: Policy, newVersion: Int, status: MigrationStatus,
                                    judge: JudgeState, now: Int64) throws(PolicyEditRefused) -> Transition {
        try policyTransition(from: old, to: new, newVersion: newVersion, status: status, judge: judge, now: now)
    }
}
