/// `guards.custom[i]`: a business signal counted per arm by the metrics source (JSON parse failures of
/// the model's output, thumbs-down, abandoned checkouts), judged like errors: the share of requests that
/// were bad on the candidate against the baseline's.
package struct CustomGuard: Hashable, Sendable {
    /// Whether the counter counts bad events, or good ones (bad = requests − good).
    package enum Kind: String, Hashable, Sendable { case good, bad }

    /// `[a-z][a-z0-9_]*`, unique within the policy; names the guard in reasons, evidence and metrics.
    package var name: String
    package var kind: Kind
    /// The counter read from the source, per arm.
    package var counter: CounterRef
    /// Roll back when the candidate's bad share exceeds the baseline's by this factor.
    package var maxRatio: Double
    /// Difference in percentage points the ratio rule tolerates (like `guards.errors.minDelta`).
    package var minDeltaPercent: Double
    /// Optional absolute cap on the candidate's bad share, in percent.
    package var maxRatePercent: Double?

    package init(name: String, kind: Kind, counter: CounterRef, maxRatio: Double = 2,
                 minDeltaPercent: Double = 1, maxRatePercent: Double? = nil) {
        self.name = name
        self.kind = kind
        self.counter = counter
        self.maxRatio = maxRatio
        self.minDeltaPercent = minDeltaPercent
        self.maxRatePercent = maxRatePercent
    }
}
