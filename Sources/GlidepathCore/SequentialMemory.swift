/// What the sequential judge carries from tick to tick within a step (persisted with the judge state
/// as JSON, so a restart keeps the evidence gathered so far).
///
/// Evidence restarts at each step (`JudgeState.resetForNewStep` keeps only `previousBaseline`).
package struct SequentialMemory: Hashable, Sendable, Codable {
    /// One latency threshold: the baseline quantile it stands for, the frozen bound, and its evidence.
    package struct Latency: Hashable, Sendable, Codable {
        package var quantile: Double
        /// Index into `LatencyBuckets.bounds` once frozen; nil while warming up.
        package var bucket: Int?
        package var state: SequentialGuardState

        /// The threshold in seconds, once frozen.
        package var seconds: Double? { bucket.map { LatencyBuckets.bounds[$0] } }
    }

    /// Errors (bad event: a request classified `error`).
    package var errors: SequentialGuardState
    /// One per `sequential.latencyQuantiles` (bad event: a request slower than the threshold).
    package var latency: [Latency]
    /// `guards.errors.maxRate` as a one-sample test on the candidate's error rate.
    package var maxRate: BinomialEProcess?
    /// `guards.latency.maxP99` as a one-sample test on the candidate's share of slow requests.
    package var maxP99: BinomialEProcess?
    /// The baseline's latency histogram of the previous step(s), where this step's thresholds come from.
    package var previousBaseline: [UInt64]
    /// Ticks judged in this step.
    package var ticks: Int
    /// Every policy value this memory was built under (`SequentialMemory.limits(_:_:)`); nil in a memory
    /// stored by a version that did not record them.
    package var limits: String?

    package init() {
        self.init(settings: SequentialSettings(), guards: Guards())
    }

    /// A blank step memory for these settings, keeping `previousBaseline`.
    package init(settings: SequentialSettings, guards: Guards, previousBaseline: [UInt64] = []) {
        errors = SequentialGuardState(settings: settings, floor: guards.errorRateSlackPercent / 100)
        latency = settings.latencyQuantiles.map { q in
            Latency(quantile: q, bucket: nil,
                    state: SequentialGuardState(settings: settings, floor: Self.latencyFloor(q, settings)))
        }
        maxRate = guards.maxErrorRatePercent.map { BinomialEProcess.above($0 / 100) }
        maxP99 = guards.maxP99.map { _ in BinomialEProcess.above(1 - guards.latencyQuantile) }
        self.previousBaseline = previousBaseline
        ticks = 0
        limits = Self.limits(settings, guards)
    }

    /// The floor of a latency guard: `badRatio × (1 − q)`, the share of requests above the threshold that a
    /// candidate `badRatio` × worse than the nominal baseline would have, but at most halfway from the
    /// nominal share `1 − q` to 1 (so p50 gets a floor of 75 %, not 100 %).
    static func latencyFloor(_ q: Double, _ settings: SequentialSettings) -> Double {
        min(settings.badRatio * (1 - q), (1 + (1 - q)) / 2)
    }

    /// True when this memory was built under these very values (else the judge starts it afresh, e.g.
    /// after a policy edit that kept the step): a changed limit — error statuses, `maxRatio`,
    /// `minDelta`, `maxRate`, the latency quantile, `maxP99`, or any `sequential` setting — is a
    /// different hypothesis, and evidence gathered against the old one says nothing about it.
    ///
    /// A memory stored without `limits` (by an older version) is compared on the values its state
    /// shows: the latency quantiles, the nulls (`tolerance`, `badRatio`, `maxRate`, the latency
    /// quantile) and the errors floor (`minDelta`).
    func matches(_ settings: SequentialSettings, _ guards: Guards) -> Bool {
        if let limits { return limits == Self.limits(settings, guards) }
        let fresh = SequentialMemory(settings: settings, guards: guards)
        return latency.map(\.quantile) == settings.latencyQuantiles
            && errors.rollback.null == fresh.errors.rollback.null && errors.safety.null == fresh.errors.safety.null
            && errors.floor?.null == fresh.errors.floor?.null
            && maxRate?.null == fresh.maxRate?.null && maxP99?.null == fresh.maxP99?.null
    }

    /// Every value the sequential judge's evidence depends on, as one canonical line:
    /// `statuses=0,429,500-599 errors.maxRatio=2.0 minDelta=1.0 maxRate=- quantile=0.99 latency.maxRatio=1.5
    /// maxP99=- alpha=0.01 beta=0.05 tolerance=1.0 badRatio=2.0 latencyQuantiles=0.5,0.9,0.99,0.999`.
    static func limits(_ settings: SequentialSettings, _ guards: Guards) -> String {
        var ranges: [String] = []
        var statuses = guards.classifier.errorStatuses[...]
        while let first = statuses.first {
            var last = first
            statuses = statuses.dropFirst()
            while let next = statuses.first, next == last + 1 {
                last = next
                statuses = statuses.dropFirst()
            }
            ranges.append(first == last ? "\(first)" : "\(first)-\(last)")
        }
        return "statuses=\(ranges.joined(separator: ","))"
            + " errors.maxRatio=\(guards.maxErrorRatio) minDelta=\(guards.errorRateSlackPercent)"
            + " maxRate=\(guards.maxErrorRatePercent.map { "\($0)" } ?? "-")"
            + " quantile=\(guards.latencyQuantile) latency.maxRatio=\(guards.maxLatencyRatio)"
            + " maxP99=\(guards.maxP99.map { "\($0.milliseconds)ms" } ?? "-")"
            + " alpha=\(settings.alpha) beta=\(settings.beta) tolerance=\(settings.tolerance)"
            + " badRatio=\(settings.badRatio)"
            + " latencyQuantiles=\(settings.latencyQuantiles.map { "\($0)" }.joined(separator: ","))"
    }
}
