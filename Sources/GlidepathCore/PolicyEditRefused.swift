/// A policy edit refused because applying it would raise the traffic an arm gets (HTTP 409); nothing is
/// stored and nothing changes. `message` is a plain sentence saying why and what to do instead.
package struct PolicyEditRefused: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the edit was refused.
    package enum Cause: String, Hashable, Sendable {
        /// Every step of the new policy is above the candidate's current weight.
        case noStepAtOrBelowCurrentWeight = "no_step_at_or_below_current_weight"
        /// A finished migration's arm that holds all traffic (the candidate when promoted, the baseline
        /// when rolled back) would be renamed: another arm would get all traffic, untested.
        case renamesTheArmWithAllTraffic = "renames_the_arm_with_all_traffic"
    }

    package var migration: String
    package var phase: Phase
    package var cause: Cause
    /// The candidate's weight when the edit was tried.
    package var currentWeight: Weight
    package var message: String

    package init(migration: String, phase: Phase, cause: Cause, currentWeight: Weight, message: String) {
        self.migration = migration
        self.phase = phase
        self.cause = cause
        self.currentWeight = currentWeight
        self.message = message
    }

    package var description: String { message }
}
