extension StateMachine {
    /// See `updatePolicy(from:to:newVersion:status:judge:now:)` for the rule.
    static func policyTransition(from old: Policy, to new: Policy, newVersion: Int, status: MigrationStatus,
                                 judge: JudgeState, now: Int64) -> Transition {
        let applied = "policy version \(newVersion) applied"
        let renamed = old.baseline != new.baseline || old.candidate != new.candidate
        if renamed || status.phase.isTerminal {
            let why = renamed
                ? "arms changed (\(old.baseline) → \(old.candidate) is now \(new.baseline) → \(new.candidate))"
                : "the migration had been \(status.phase == .promoted ? "promoted" : "rolled back")"
            var fresh = judge
            // Counters of renamed arms are other series: the old snapshot says nothing about them.
            if renamed { fresh.lastSnapshot = nil }
            return transition(from: status, judge: fresh, policy: new, phase: .ramping, step: 0, action: "policy",
                              actor: .operator, reason: "\(applied); \(why), so starting over at "
                                  + ReasonFormat.step(0, new),
                              now: now, restartsStep: true, policyVersion: newVersion)
        }

        let current = status.candidateWeight(old)
        var target = 0
        for (i, step) in new.steps.enumerated() where step.weight <= current { target = i }
        let newWeight = new.steps.indices.contains(target) ? new.steps[target].weight : .zero
        let unchanged = target == status.step && newWeight == current
        let reason: String
        if unchanged {
            reason = "\(applied); staying at \(ReasonFormat.step(target, new))"
        } else if newWeight <= current {
            reason = "\(applied); moving to \(ReasonFormat.step(target, new)), the highest step not above "
                + "the current \(ReasonFormat.weight(current))"
        } else {
            reason = "\(applied); moving to \(ReasonFormat.step(target, new)): no step is at or below "
                + "the current \(ReasonFormat.weight(current))"
        }
        return transition(from: status, judge: judge, policy: new, phase: status.phase, step: target,
                          action: "policy", actor: .operator, reason: reason, now: now,
                          restartsStep: !unchanged, policyVersion: newVersion)
    }
}
