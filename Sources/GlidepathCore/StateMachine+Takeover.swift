extension StateMachine {
    /// A promoted standby taking over a migration it followed: the followed phase, step and weights under
    /// `policy` (from the standby's own policies folder), at the next revision (shims never see a revision go
    /// backwards), as policy version 1 of this store. The step's bake starts again at `now` and the evidence
    /// starts from nothing: the old primary's evidence stayed on the old primary.
    ///
    /// Refused when the policy does not describe what the primary served: other arms, a step the policy
    /// lacks, or a weight the policy's step does not give (except an operator hold while paused, kept).
    package static func takeOver(_ f: FollowedMigration, policy: Policy, primary: String,
                                 now: Int64) throws(TakeoverRefused) -> Transition {
        func refuse(_ why: String) -> TakeoverRefused { TakeoverRefused(migration: f.name, message: why) }
        guard policy.migration == f.name else {
            throw refuse("the policy names migration \"\(policy.migration)\", not \"\(f.name)\"")
        }
        guard policy.baseline == f.baseline, policy.candidate == f.candidate else {
            throw refuse("the primary served arms \(f.baseline)/\(f.candidate) but the policy has "
                + "\(policy.baseline)/\(policy.candidate)")
        }
        let terminal = f.phase == .promoted || f.phase == .rolledBack
        guard f.step < policy.steps.count || terminal else {
            throw refuse("the primary was at step \(f.step) but the policy has \(policy.steps.count) step(s)")
        }
        let step = min(f.step, policy.steps.count - 1)
        let revision = f.revision.addingReportingOverflow(1)
        guard !revision.overflow else { throw refuse("revision \(f.revision) cannot grow") }
        var status = MigrationStatus(migration: f.name, policyVersion: 1, phase: f.phase, step: step,
                                     revision: revision.partialValue, stepStartedAt: now, updatedAt: now, reason: "")
        if status.candidateWeight(policy) != f.candidateWeight {
            guard f.phase == .paused, f.candidateWeight < policy.steps[step].weight else {
                throw refuse("the primary served \(f.candidateWeight)% to \(f.candidate) at step \(f.step) but the "
                    + "policy's step \(step) gives \(status.candidateWeight(policy))%: the policy files differ")
            }
            status.heldWeight = f.candidateWeight
        }
        let weight = status.candidateWeight(policy)
        status.reason = "taken over from the primary \(primary) (followed at revision \(f.revision)) by a promoted "
            + "standby: \(f.phase.rawValue) at step \(step) (\(weight)%); the bake starts again and the evidence "
            + "starts from nothing"
        let decision = Decision(at: now, revision: status.revision, action: .created, fromStep: step, toStep: step,
                                baseline: policy.baseline, candidate: policy.candidate, candidateWeight: weight,
                                actor: .operator, reason: status.reason)
        return Transition(status: status, decision: decision, judge: .initial)
    }
}

/// A followed migration a promoted standby cannot take over under its policy; nothing is changed.
package struct TakeoverRefused: Error, Hashable, Sendable, CustomStringConvertible {
    package var migration: String
    package var message: String

    package init(migration: String, message: String) {
        self.migration = migration
        self.message = message
    }

    package var description: String { "migration \(migration): \(message)" }
}
