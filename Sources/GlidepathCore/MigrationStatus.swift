/// The durable state of one migration: what the weights endpoint serves and the store persists.
package struct MigrationStatus: Hashable, Sendable, Codable {
    package var migration: String
    /// Version of the policy this status was computed under (1, 2, ... per migration).
    package var policyVersion: Int
    package var phase: Phase
    /// 0-based index into the policy's steps.
    package var step: Int
    /// Bumped on every change of weights or phase; strictly increasing, never reused.
    package var revision: Int64
    /// When the current step began (ms since the Unix epoch); bake time counts from here, across restarts.
    package var stepStartedAt: Int64
    /// When the status last changed (ms since the Unix epoch).
    package var updatedAt: Int64
    /// The wall time (ms since the Unix epoch) at which the current step began, for people; nil from the
    /// state machine until `Transition.recorded(atWall:)` stamps it. `stepStartedAt` is what durations use.
    package var stepStartedWall: Int64?
    /// The last decision's human-readable reason ("" before any).
    package var reason: String
    /// An operator hold (`set-weight`): while `paused`, the candidate gets this weight, always below the
    /// current step's; nil otherwise. Any transition out of `paused` drops it.
    package var heldWeight: Weight?

    package init(migration: String, policyVersion: Int, phase: Phase, step: Int, revision: Int64,
                stepStartedAt: Int64, updatedAt: Int64, reason: String) {
        self.migration = migration
        self.policyVersion = policyVersion
        self.phase = phase
        self.step = step
        self.revision = revision
        self.stepStartedAt = stepStartedAt
        self.updatedAt = updatedAt
        self.reason = reason
    }

    /// The candidate's weight under `policy`: 100 % when promoted, 0 when rolled back, the held weight
    /// when paused by `set-weight`, else the step's.
    package func candidateWeight(_ policy: Policy) -> Weight {
        switch phase {
        case .promoted: return .full
        case .rolledBack: return .zero
        case .paused where heldWeight != nil: return heldWeight ?? .zero
        default:
            guard policy.steps.indices.contains(step) else { return .zero }
            return policy.steps[step].weight
        }
    }
}
