/// What the sequential judge carries from tick to tick within a step (persisted with the judge state
/// as JSON, so a restart keeps the evidence gathered so far).
///
/// Evidence restarts at each step (`JudgeState.resetForNewStep` keeps only `previousBaseline`).
public struct SequentialMemory: Hashable, Sendable, Codable {
    /// One latency threshold: the baseline quantile it stands for, the frozen bound, and its evidence.
    public struct Latency: Hashable, Sendable, Codable {
        public var quantile: Double
        /// Index into `LatencyBuckets.bounds` once frozen; nil while warming up.
        public var bucket: Int?
        public var state: SequentialGuardState

        /// The threshold in seconds, once frozen.
        public var seconds: Double? { bucket.map { LatencyBuckets.bounds[$0] } }
    }

    /// Errors (bad event: a request classified `error`).
    public var errors: SequentialGuardState
    /// One per `sequential.latencyQuantiles` (bad event: a request slower than the threshold).
    public var latency: [Latency]
    /// `guards.errors.maxRate` as a one-sample test on the candidate's error rate.
    public var maxRate: BinomialEProcess?
    /// `guards.latency.maxP99` as a one-sample test on the candidate's share of slow requests.
    public var maxP99: BinomialEProcess?
    /// The baseline's latency histogram of the previous step(s), where this step's thresholds come from.
    public var previousBaseline: [UInt64]
    /// Ticks judged in this step.
    public var ticks: Int

    public init() {
        self.init(settings: SequentialSettings(), guards: Guards())
    }

    /// A blank step memory for these settings, keeping `previousBaseline`.
    public init(settings: SequentialSettings, guards: Guards, previousBaseline: [UInt64] = []) {
        errors = SequentialGuardState(settings: settings, floor: guards.errorRateSlackPercent / 100)
        latency = settings.latencyQuantiles.map { q in
            Latency(quantile: q, bucket: nil,
                    state: SequentialGuardState(settings: settings, floor: Self.latencyFloor(q, settings)))
        }
        maxRate = guards.maxErrorRatePercent.map { BinomialEProcess.above($0 / 100) }
        maxP99 = guards.maxP99.map { _ in BinomialEProcess.above(1 - guards.latencyQuantile) }
        self.previousBaseline = previousBaseline
        ticks = 0
    }

    /// The floor of a latency guard: `badRatio × (1 − q)`, the share of requests above the threshold that a
    /// candidate `badRatio` × worse than the nominal baseline would have, but at most halfway from the
    /// nominal share `1 − q` to 1 (so p50 gets a floor of 75 %, not 100 %).
    static func latencyFloor(_ q: Double, _ settings: SequentialSettings) -> Double {
        min(settings.badRatio * (1 - q), (1 + (1 - q)) / 2)
    }

    /// True when this memory was built for these settings (else the judge starts it afresh, e.g.
    /// after a policy change that kept the step).
    func matches(_ settings: SequentialSettings, _ guards: Guards) -> Bool {
        latency.map(\.quantile) == settings.latencyQuantiles
            && errors.rollback.null == settings.tolerance && errors.safety.null == settings.badRatio
            && (maxRate != nil) == (guards.maxErrorRatePercent != nil) && (maxP99 != nil) == (guards.maxP99 != nil)
    }
}
