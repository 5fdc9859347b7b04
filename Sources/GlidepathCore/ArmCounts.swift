/// Request counts for one arm: what the control loop reads off the metrics, and what the judge weighs.
///
/// Used both for cumulative counter values (a snapshot) and for increments (a tick, a step).
package struct ArmCounts: Hashable, Sendable, Codable {
    /// Requests of every class.
    package var requests: UInt64
    /// Requests classified `error`.
    package var errors: UInt64
    /// Requests classified `client_error` (they count against nobody).
    package var clientErrors: UInt64
    /// Latency histogram, *non-cumulative*: `latency[i]` counts requests with
    /// `bounds[i-1] < seconds ≤ bounds[i]`; the last element is the `+Inf` bucket.
    /// Length `LatencyBuckets.count`, or empty when no latency was seen.
    package var latency: [UInt64]
    /// Sum of latencies in seconds.
    package var latencySum: Double
    /// Tokens reported.
    package var tokens: UInt64

    package init(requests: UInt64 = 0, errors: UInt64 = 0, clientErrors: UInt64 = 0,
                latency: [UInt64] = [], latencySum: Double = 0, tokens: UInt64 = 0) {
        self.requests = requests
        self.errors = errors
        self.clientErrors = clientErrors
        self.latency = latency
        self.latencySum = latencySum
        self.tokens = tokens
    }

    package static let zero = ArmCounts()
}

/// Counts for both arms.
package struct ArmPair: Hashable, Sendable, Codable {
    package var baseline: ArmCounts
    package var candidate: ArmCounts

    package init(baseline: ArmCounts = .zero, candidate: ArmCounts = .zero) {
        self.baseline = baseline
        self.candidate = candidate
    }

    package static let zero = ArmPair()

    package subscript(arm: Arm) -> ArmCounts {
        get { arm == .baseline ? baseline : candidate }
        set { if arm == .baseline { baseline = newValue } else { candidate = newValue } }
    }
}
