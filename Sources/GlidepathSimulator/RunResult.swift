/// How one simulated migration ended.
package struct RunResult: Hashable, Sendable {
    package enum Outcome: String, Hashable, Sendable {
        case promoted
        case rolledBack
        /// Neither by the horizon.
        case held
    }

    package var outcome: Outcome
    /// Seconds from the start of the migration to the end (promotion or rollback; the horizon when held).
    package var endSeconds: Int64
    /// Seconds from the start to the regression's onset; nil for healthy scenarios and for runs that ended
    /// before their onset.
    package var onsetSeconds: Int64?
    /// Candidate errors from the onset to the end of the horizon beyond what the baseline's error rate
    /// would have given on the candidate's requests (realised errors minus the expected count).
    package var excessFailures: Double
    /// Held at the horizon with the `maxHold` alert raised (last verdict `stuck`).
    package var stuck: Bool

    package init(outcome: Outcome, endSeconds: Int64, onsetSeconds: Int64?, excessFailures: Double, stuck: Bool) {
        self.outcome = outcome
        self.endSeconds = endSeconds
        self.onsetSeconds = onsetSeconds
        self.excessFailures = excessFailures
        self.stuck = stuck
    }
}
