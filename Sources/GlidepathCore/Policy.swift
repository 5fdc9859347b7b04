/// Which judge decides a migration's steps (`"judge"` in a policy).
public enum JudgeKind: String, Hashable, Sendable, CaseIterable {
    /// Flagger-style threshold rules on error-rate and p99 ratios between arms.
    case threshold
    /// Anytime-valid sequential tests (e-processes) on counts of bad events per arm.
    case sequential
}

/// Settings of the sequential judge (`"sequential": {...}` in a policy).
public struct SequentialSettings: Hashable, Sendable {
    /// Chance of rolling back a candidate no worse than `tolerance` × the baseline, over the whole
    /// migration (split evenly across steps). Default 0.01.
    public var alpha: Double
    /// Chance of advancing past a step while the candidate is `badRatio` × worse or more. Default 0.05.
    public var beta: Double
    /// The ratio of bad-event rates (candidate / baseline) still tolerated (r0). Default 1.
    public var tolerance: Double
    /// The ratio the safety test must rule out before advancing (r_bad). Default 2.
    public var badRatio: Double
    /// Baseline latency quantiles whose values become the step's latency thresholds. Default p50, p90, p99, p99.9.
    public var latencyQuantiles: [Double]

    public init(alpha: Double = 0.01, beta: Double = 0.05, tolerance: Double = 1, badRatio: Double = 2,
                latencyQuantiles: [Double] = [0.5, 0.9, 0.99, 0.999]) {
        self.alpha = alpha
        self.beta = beta
        self.tolerance = tolerance
        self.badRatio = badRatio
        self.latencyQuantiles = latencyQuantiles
    }
}

/// What to do when a step is held longer than `maxHold` without a decision.
public enum OnStuck: String, Hashable, Sendable, CaseIterable {
    case hold
    case rollback
}

/// A validated ramp policy. Only `PolicyParser` builds one from JSON, applying every default in one place,
/// so the rest of the code can trust every field. Every duration is at most `TimeSpan.maximum` (366 days).
public struct Policy: Hashable, Sendable {
    /// Name of the migration, `[a-z0-9][a-z0-9._-]*`, at most 63 characters.
    public var migration: String
    /// The arm traffic moves away from (the legacy provider, old key).
    public var baseline: String
    /// The arm traffic moves to.
    public var candidate: String
    /// How often the control loop judges this migration (1 s to 1 h, default 10 s).
    public var interval: TimeSpan
    /// Candidate weights, strictly increasing, each > 0 and ≤ 100 %.
    public var steps: [Step]
    /// Requests per arm a step must see before the judge may advance (default 100).
    public var minRequests: Int
    public var guards: Guards
    public var judge: JudgeKind
    /// A step held this long without a decision raises an alert and applies `onStuck` (nil: never).
    public var maxHold: TimeSpan?
    public var onStuck: OnStuck
    /// How often shims should poll (`pollAfter`, 1 s to 1 h, default 5 s).
    public var pollAfter: TimeSpan
    /// Settings of the sequential judge.
    public var sequential: SequentialSettings
    /// A step whose candidate got no request for this long is reported as having no data (nil: never).
    public var noDataAfter: TimeSpan?

    public init(migration: String, baseline: String, candidate: String,
                interval: TimeSpan = .seconds(10), steps: [Step], minRequests: Int = 100,
                guards: Guards = Guards(), judge: JudgeKind = .sequential,
                maxHold: TimeSpan? = nil, onStuck: OnStuck = .hold, pollAfter: TimeSpan = .seconds(5),
                sequential: SequentialSettings = SequentialSettings(), noDataAfter: TimeSpan? = nil) {
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
    }

    /// The arm's name on the wire.
    public func name(of arm: Arm) -> String { arm == .baseline ? baseline : candidate }

    /// The arm with this name, if any.
    public func arm(named name: String) -> Arm? {
        if name == baseline { return .baseline }
        if name == candidate { return .candidate }
        return nil
    }
}
