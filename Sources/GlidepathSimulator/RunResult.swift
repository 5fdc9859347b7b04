/// How one simulated migration ended.
public struct RunResult: Hashable, Sendable {
    public enum Outcome: String, Hashable, Sendable {
        case promoted
        case rolledBack
        /// Neither by the horizon.
        case held
    }

    public var outcome: Outcome
    /// Seconds from the start of the migration to the end (promotion or rollback; the horizon when held).
    public var endSeconds: Int64
    /// Seconds from the start to the regression's onset; nil for healthy scenarios and for runs that ended
    /// before their onset.
    public var onsetSeconds: Int64?
    /// Candidate errors from the onset to the end of the horizon beyond what the baseline's error rate
    /// would have given on the candidate's requests (realised errors minus the expected count).
    public var excessFailures: Double
    /// Held at the horizon with the `maxHold` alert raised (last verdict `stuck`).
    public var stuck: Bool

    public init(outcome: Outcome, endSeconds: Int64, onsetSeconds: Int64?, excessFailures: Double, stuck: Bool) {
        self.outcome = outcome
        self.endSeconds = endSeconds
        self.onsetSeconds = onsetSeconds
        self.excessFailures = excessFailures
        self.stuck = stuck
    }
}
