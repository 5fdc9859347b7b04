/// Which judge decides a migration's steps (`"judge"` in a policy).
public enum JudgeKind: String, Hashable, Sendable, CaseIterable {
    /// Flagger-style threshold rules on error-rate and p99 ratios between arms.
    case threshold
}

/// What to do when a step is held longer than `maxHold` without a decision.
public enum OnStuck: String, Hashable, Sendable, CaseIterable {
    case hold
    case rollback
}

/// A validated ramp policy. Only `PolicyParser` builds one from JSON, applying every default in one place,
/// so the rest of the code can trust every field.
public struct Policy: Hashable, Sendable {
    /// Name of the migration, `[a-z0-9][a-z0-9._-]*`, at most 63 characters.
    public var migration: String
    /// The arm traffic moves away from (the legacy provider, old key).
    public var baseline: String
    /// The arm traffic moves to.
    public var candidate: String
    /// How often the control loop judges this migration (minimum 1 s, default 10 s).
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
    /// How often shims should poll (`pollAfter`, default 5 s).
    public var pollAfter: TimeSpan

    public init(migration: String, baseline: String, candidate: String,
                interval: TimeSpan = .seconds(10), steps: [Step], minRequests: Int = 100,
                guards: Guards = Guards(), judge: JudgeKind = .threshold,
                maxHold: TimeSpan? = nil, onStuck: OnStuck = .hold, pollAfter: TimeSpan = .seconds(5)) {
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
