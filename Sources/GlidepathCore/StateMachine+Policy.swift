extension StateMachine {
    /// See `updatePolicy(from:to:newVersion:status:judge:now:)` for the rule.
    static func policyTransition(from old: Policy, to new: Policy, newVersion: Int, status: MigrationStatus,
                                 judge: JudgeState, now: Int64) throws(PolicyEditRefused) -> Transition {
        let applied = "policy version \(newVersion) applied"
        let renamed = old.baseline != new.baseline || old.candidate != new.candidate
        let arms = "arms changed (\(old.baseline) → \(old.candidate) is now \(new.baseline) → \(new.candidate))"
        var next = judge
        // Counters of renamed arms are other series: the old snapshot says nothing about them, and the
        // first tick under the new names only takes a snapshot (`ControlTick`).
        if renamed { next.lastSnapshot = nil }
        // `ArmCounts.custom` is indexed by the position of each custom guard: another list of counters means
        // other series, so the snapshot is dropped and the step's counts start again (the bake carries on).
        if old.guards.custom.map(\.counter) != new.guards.custom.map(\.counter)
            || old.guards.custom.map(\.kind) != new.guards.custom.map(\.kind) {
            next.lastSnapshot = nil
            next.step = .zero
            next.memory.failedChecks = 0
        }

        if status.phase.isTerminal {
            let promoted = status.phase == .promoted
            let (holder, newHolder) = promoted ? (old.candidate, new.candidate) : (old.baseline, new.baseline)
            if holder != newHolder {
                throw PolicyEditRefused(
                    migration: status.migration, phase: status.phase, cause: .renamesTheArmWithAllTraffic,
                    currentWeight: status.candidateWeight(old),
                    message: "cannot apply policy version \(newVersion) to \(jsonQuoted(status.migration)): it is "
                        + "\(status.phase.rawValue) with all traffic on \(jsonQuoted(holder)), and this policy would "
                        + "send all traffic to \(jsonQuoted(newHolder)) untested; keep the name \(jsonQuoted(holder)) "
                        + "for the \(promoted ? "candidate" : "baseline"), or restart the migration and then apply "
                        + "this policy (it ramps from the first step)")
            }
            let stays = "the migration stays \(promoted ? "promoted (candidate at 100%)" : "rolled back (candidate at 0%)")"
            return transition(from: status, judge: next, policy: new, phase: status.phase, step: status.step,
                              action: .policy, actor: .operator,
                              reason: "\(applied)\(renamed ? "; \(arms)" : ""); \(stays); restart starts it over "
                                  + "under this policy",
                              now: now, policyVersion: newVersion)
        }

        let current = status.candidateWeight(old)
        guard let target = new.steps.lastIndex(where: { $0.weight <= current }) else {
            throw PolicyEditRefused(
                migration: status.migration, phase: status.phase, cause: .noStepAtOrBelowCurrentWeight,
                currentWeight: current,
                message: "cannot apply policy version \(newVersion) to \(jsonQuoted(status.migration)): every step "
                    + "is above the candidate's current \(ReasonFormat.weight(current)) (the lowest is "
                    + "\(ReasonFormat.weight(new.steps[0].weight))), and editing a policy never raises the "
                    + "candidate's weight; add a step at or below \(ReasonFormat.weight(current)), or roll the "
                    + "migration back, apply this policy and restart it")
        }
        let newWeight = new.steps[target].weight
        let keeps = !renamed && target == status.step && newWeight == current
        // `waiting` means the judge passed this step; when its evidence starts over, the judge must pass it again.
        let phase: Phase = status.phase == .waiting && !keeps ? .ramping : status.phase
        let reason: String
        if keeps {
            reason = "\(applied); staying at \(ReasonFormat.step(target, new))"
        } else if renamed {
            reason = "\(applied); \(arms): evidence starts from zero at \(ReasonFormat.step(target, new)), the "
                + "highest step not above the current \(ReasonFormat.weight(current))"
        } else {
            reason = "\(applied); moving to \(ReasonFormat.step(target, new)), the highest step not above "
                + "the current \(ReasonFormat.weight(current))"
        }
        var t = transition(from: status, judge: next, policy: new, phase: phase, step: target, action: .policy,
                           actor: .operator, reason: reason, now: now, restartsStep: !keeps, policyVersion: newVersion)
        // The latency and TTFT thresholds and the tokens and cost units come from the baseline's previous
        // step: another baseline's say nothing.
        if old.baseline != new.baseline {
            t.judge.memory.sequential?.previousBaseline = []
            t.judge.memory.sequential?.previousBaselineCounts = .zero
        }
        return t
    }
}
