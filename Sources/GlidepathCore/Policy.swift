/// Which judge decides a migration's steps (`"judge"` in a policy).
package enum JudgeKind: String, Hashable, Sendable, CaseIterable {
    /// Flagger-style threshold rules on error-rate and p99 ratios between arms.
    case threshold
    /// Anytime-valid sequential tests (e-processes) on counts of bad events per arm.
    case sequential
}

/// Settings of the sequential judge (`"sequential": {...}` in a policy).
package struct SequentialSettings: Hashable, Sendable {
    /// Chance of rolling back a candidate no worse than `tolerance` × the baseline, over the whole
    /// migration (split evenly across steps). Default 0.01.
    package var alpha: Double
    /// Chance of advancing past a step while the candidate is `badRatio` × worse or more. Default 0.05.
    package var beta: Double
    /// The ratio of bad-event rates (candidate / baseline) still tolerated (r0). Default 1.
    package var tolerance: Double
    /// The ratio the safety test must rule out before advancing (r_bad). Default 2.
    package var badRatio: Double
    /// Baseline latency quantiles whose values become the step's latency thresholds. Default p50, p90, p99, p99.9.
    package var latencyQuantiles: [Double]

    package init(alpha: Double = 0.01, beta: Double = 0.05, tolerance: Double = 1, badRatio: Double = 2,
                latencyQuantiles: [Double] = [0.5, 0.9, 0.99, 0.999]) {
        self.alpha = alpha
        self.beta = beta
        self.tolerance = tolerance
        self.badRatio = badRatio
        self.latencyQuantiles = latencyQuantiles
    }
}

/// What to do when a step is held longer than `maxHold` without a decision.
package enum OnStuck: String, Hashable, Sendable, CaseIterable {
    case hold
    case rollback
}

/// A validated ramp policy. Only `PolicyParser` builds one from JSON, applying every default in one place,
/// so the rest of the code can trust every field. Every duration is at most `TimeSpan.maximum` (366 days).
package struct Policy: Hashable, Sendable {
    /// Name of the migration, `[a-z0-9][a-z0-9._-]*`, at most 63 characters.
    package var migration: String
    /// The arm traffic moves away from (the legacy provider, old key).
    package var baseline: String
    /// The arm traffic moves to.
    package var candidate: String
    /// How often the control loop judges this migration (1 s to 1 h, default 10 s).
    package var interval: TimeSpan
    /// Candidate weights, strictly increasing, each > 0 and ≤ 100 %.
    package var steps: [Step]
    /// Requests per arm a step must see before the judge may advance (default 100).
    package var minRequests: Int
    package var guards: Guards
    package var judge: JudgeKind
    /// A step held this long without a decision raises an alert and applies `onStuck` (nil: never).
    package var maxHold: TimeSpan?
    package var onStuck: OnStuck
    /// How often shims should poll (`pollAfter`, 1 s to 1 h, default 5 s).
    package var pollAfter: TimeSpan
    /// Settings of the sequential judge.
    package var sequential: SequentialSettings
    /// A step whose candidate got no request for this long is reported as having no data (nil: never).
    package var noDataAfter: TimeSpan?
    /// Prices per arm name (`cost`); an arm without an entry has no price.
    package var cost: [String: ArmCost]
    /// The shims' local circuit breaker (`breaker`), served in the weights document.
    package var breaker: BreakerSettings
    /// Where decisions and alarms are POSTed (`notify`), at most `PolicyParser.maxNotifyTargets`.
    package var notify: [NotifyTarget]
    /// Rules forcing an arm by key, header, cookie or segment (`overrides`), applied by the shims in order.
    package var overrides: [OverrideRule]
    /// When advances may happen (`schedule`); nil: any time.
    package var schedule: Schedule? = nil
    /// Where the control loop reads the arms' counters (`metrics`); default: the controller's own.
    package var metrics: MetricsSpec = MetricsSpec()

    package init(migration: String, baseline: String, candidate: String,
                interval: TimeSpan = .seconds(10), steps: [Step], minRequests: Int = 100,
                guards: Guards = Guards(), judge: JudgeKind = .sequential,
                maxHold: TimeSpan? = nil, onStuck: OnStuck = .hold, pollAfter: TimeSpan = .seconds(5),
                sequential: SequentialSettings = SequentialSettings(), noDataAfter: TimeSpan? = nil,
                cost: [String: ArmCost] = [:], breaker: BreakerSettings = BreakerSettings(),
                notify: [NotifyTarget] = [], overrides: [OverrideRule] = []) {
        self.migration = migration
        self.baseline = baseline
        self.candidate = candidate
        self.interval = interval
        self.steps = steps
        self.minRequests = minRequests
        self.guards = guards
        self.judge = judge
        self.maxHold = maxHold
        self.onStuck = onStuck
        self.pollAfter = pollAfter
        self.sequential = sequential
        self.noDataAfter = noDataAfter
        self.cost = cost
        self.breaker = breaker
        self.notify = notify
        self.overrides = overrides
    }

    /// The price of `arm`, if the policy sets one.
    package func price(of arm: Arm) -> ArmCost? { cost[name(of: arm)] }

    /// The arm's name on the wire.
    package func name(of arm: Arm) -> String { arm == .baseline ? baseline : candidate }

    /// The arm with this name, if any.
    package func arm(named name: String) -> Arm? {
        if name == baseline { return .baseline }
        if name == candidate { return .candidate }
        return nil
    }
}

/// What one arm costs (`cost.<arm>`), in whatever currency the policy prices in.
package struct ArmCost: Hashable, Sendable {
    /// Price per 1,000 tokens.
    package var per1kTokens: Double
    /// Price per request.
    package var perRequest: Double

    package init(per1kTokens: Double = 0, perRequest: Double = 0) {
        self.per1kTokens = per1kTokens
        self.perRequest = perRequest
    }

    /// What `requests` requests reporting `tokens` tokens in all cost.
    package func cost(tokens: UInt64, requests: UInt64) -> Double {
        perRequest * Double(requests) + per1kTokens * Double(tokens) / 1000
    }
}

/// The shims' local circuit breaker (`breaker`): after `consecutiveErrors` candidate errors in a row a
/// shim routes everything to the baseline for `openSeconds`, without waiting for the controller.
package struct BreakerSettings: Hashable, Sendable {
    package var consecutiveErrors: Int
    package var openSeconds: Int

    package init(consecutiveErrors: Int = 5, openSeconds: Int = 30) {
        self.consecutiveErrors = consecutiveErrors
        self.openSeconds = openSeconds
    }
}
