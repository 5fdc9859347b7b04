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
    /// Time-to-first-token histogram (`ttft_ms`), laid out like `latency`; empty when none was reported.
    package var ttft: [UInt64]
    /// Sum of the reported times to first token in seconds.
    package var ttftSum: Double
    /// Raw cumulative (or incremental) values of the policy's `guards.custom` counters, in their order;
    /// empty when the policy has none or the source gave none. What they count (good or bad events) is
    /// the guard's `kind`.
    package var custom: [UInt64] = []

    package init(requests: UInt64 = 0, errors: UInt64 = 0, clientErrors: UInt64 = 0,
                latency: [UInt64] = [], latencySum: Double = 0, tokens: UInt64 = 0,
                ttft: [UInt64] = [], ttftSum: Double = 0) {
        self.requests = requests
        self.errors = errors
        self.clientErrors = clientErrors
        self.latency = latency
        self.latencySum = latencySum
        self.tokens = tokens
        self.ttft = ttft
        self.ttftSum = ttftSum
    }

    private enum CodingKeys: String, CodingKey {
        case requests, errors, clientErrors, latency, latencySum, tokens, ttft, ttftSum, custom
    }

    /// Judge states stored before time to first token was counted have no `ttft`: read as none seen.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        requests = try c.decode(UInt64.self, forKey: .requests)
        errors = try c.decode(UInt64.self, forKey: .errors)
        clientErrors = try c.decode(UInt64.self, forKey: .clientErrors)
        latency = try c.decode([UInt64].self, forKey: .latency)
        latencySum = try c.decode(Double.self, forKey: .latencySum)
        tokens = try c.decode(UInt64.self, forKey: .tokens)
        ttft = try c.decodeIfPresent([UInt64].self, forKey: .ttft) ?? []
        ttftSum = try c.decodeIfPresent(Double.self, forKey: .ttftSum) ?? 0
        custom = try c.decodeIfPresent([UInt64].self, forKey: .custom) ?? []
    }

    /// `custom` is written only when there is one, so a policy without `guards.custom` stores what it
    /// stored before they existed.
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(requests, forKey: .requests)
        try c.encode(errors, forKey: .errors)
        try c.encode(clientErrors, forKey: .clientErrors)
        try c.encode(latency, forKey: .latency)
        try c.encode(latencySum, forKey: .latencySum)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(ttft, forKey: .ttft)
        try c.encode(ttftSum, forKey: .ttftSum)
        if !custom.isEmpty { try c.encode(custom, forKey: .custom) }
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
