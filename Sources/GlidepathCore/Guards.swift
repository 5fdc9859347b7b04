/// What the judge checks at every step. Every field has a default (applied by the policy parser).
package struct Guards: Hashable, Sendable {
    /// Which statuses count as errors (`guards.errors.statuses`, default `0`, `429`, `5xx`).
    package var classifier: StatusClassifier
    /// Roll back when the candidate's error rate exceeds the baseline's by this factor
    /// (`guards.errors.maxRatio`, default 2).
    package var maxErrorRatio: Double
    /// Error-rate difference (percentage points) the ratio rule tolerates, so 0.1 % vs 0 % is not
    /// an infinite ratio (`guards.errors.minDelta`, default 1 — i.e. one percentage point).
    package var errorRateSlackPercent: Double
    /// Optional absolute cap on the candidate's error rate in percent (`guards.errors.maxRate`).
    package var maxErrorRatePercent: Double?
    /// Roll back when the candidate's p99 latency exceeds the baseline's by this factor
    /// (`guards.latency.maxRatio`, default 1.5).
    package var maxLatencyRatio: Double
    /// Optional absolute cap on the candidate's p99 latency (`guards.latency.maxP99`, a duration).
    package var maxP99: TimeSpan?
    /// Latency quantile compared, default 0.99 (`guards.latency.quantile`).
    package var latencyQuantile: Double
    /// Consecutive failed checks before the threshold judge rolls back (`guards.failureThreshold`, default 3).
    package var failureThreshold: Int
    /// Time to first token (`guards.ttft`); nil: not guarded.
    package var ttft: TTFTGuard?
    /// Tokens per successful request, candidate / baseline (`guards.tokens`); nil: not guarded.
    package var tokens: RatioGuard?
    /// Cost per request, candidate / baseline (`guards.cost`, needs the policy's `cost`); nil: not guarded.
    package var cost: RatioGuard?
    /// Business signals read from the metrics source (`guards.custom`), in the policy's order; the same
    /// order indexes `ArmCounts.custom`.
    package var custom: [CustomGuard] = []

    package init(classifier: StatusClassifier = .standard, maxErrorRatio: Double = 2,
                errorRateSlackPercent: Double = 1, maxErrorRatePercent: Double? = nil,
                maxLatencyRatio: Double = 1.5, maxP99: TimeSpan? = nil,
                latencyQuantile: Double = 0.99, failureThreshold: Int = 3,
                ttft: TTFTGuard? = nil, tokens: RatioGuard? = nil, cost: RatioGuard? = nil) {
        self.classifier = classifier
        self.maxErrorRatio = maxErrorRatio
        self.errorRateSlackPercent = errorRateSlackPercent
        self.maxErrorRatePercent = maxErrorRatePercent
        self.maxLatencyRatio = maxLatencyRatio
        self.maxP99 = maxP99
        self.latencyQuantile = latencyQuantile
        self.failureThreshold = failureThreshold
        self.ttft = ttft
        self.tokens = tokens
        self.cost = cost
    }
}

/// `guards.ttft`: the time to first token of streamed responses, with the fields and meaning of
/// `guards.latency` (the absolute cap is named `max`).
package struct TTFTGuard: Hashable, Sendable {
    /// Quantile compared (default 0.99).
    package var quantile: Double
    /// Roll back when the candidate's quantile exceeds the baseline's by this factor (default 1.5).
    package var maxRatio: Double
    /// Optional absolute cap on the candidate's quantile.
    package var max: TimeSpan?

    package init(quantile: Double = 0.99, maxRatio: Double = 1.5, max: TimeSpan? = nil) {
        self.quantile = quantile
        self.maxRatio = maxRatio
        self.max = max
    }
}

/// A guard on a per-request mean, candidate / baseline (`guards.tokens`, `guards.cost`).
package struct RatioGuard: Hashable, Sendable {
    /// The largest tolerated ratio (default 1.5).
    package var maxRatio: Double

    package init(maxRatio: Double = 1.5) {
        self.maxRatio = maxRatio
    }
}
