/// What the sequential judge carries from tick to tick within a step (persisted with the judge state
/// as JSON, so a restart keeps the evidence gathered so far).
///
/// Evidence restarts at each step (`JudgeState.resetForNewStep` keeps only `previousBaseline` and
/// `previousBaselineCounts`).
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
    /// Every policy value this memory was built under (`SequentialMemory.limits(_:_:prices:)`); nil in a
    /// memory stored by a version that did not record them.
    package var limits: String?
    /// With `guards.ttft`: one per `sequential.latencyQuantiles` (bad event: a time to first token slower
    /// than the threshold, taken from the baseline's TTFT histogram like the latency thresholds); empty
    /// without the guard.
    package var ttft: [Latency]
    /// `guards.ttft.max` as a one-sample test on the candidate's share of slow first tokens.
    package var ttftMax: BinomialEProcess?
    /// `guards.tokens`: tokens per successful request, candidate / baseline.
    package var tokens: MeanRatioGuard?
    /// `guards.cost`: cost per judged request, candidate / baseline.
    package var cost: MeanRatioGuard?
    /// One per `guards.custom`, in the policy's order (empty without custom guards).
    package var custom: [Custom] = []
    /// The baseline's other counts of the previous step(s), where this step's TTFT thresholds and the
    /// units of `tokens` and `cost` come from (its `latency` stays empty: that is `previousBaseline`).
    /// Zero unless the policy has one of those guards.
    package var previousBaselineCounts: ArmCounts

    package init() {
        self.init(settings: SequentialSettings(), guards: Guards())
    }

    /// A blank step memory for these settings, keeping `previousBaseline` and `previousBaselineCounts`.
    package init(settings: SequentialSettings, guards: Guards, previousBaseline: [UInt64] = [],
                 previousBaselineCounts: ArmCounts = .zero, prices: [ArmCost?] = []) {
        errors = SequentialGuardState(settings: settings, floor: guards.errorRateSlackPercent / 100)
        latency = Self.thresholds(settings)
        maxRate = guards.maxErrorRatePercent.map { BinomialEProcess.above($0 / 100) }
        maxP99 = guards.maxP99.map { _ in BinomialEProcess.above(1 - guards.latencyQuantile) }
        self.previousBaseline = previousBaseline
        ticks = 0
        limits = Self.limits(settings, guards, prices: prices)
        ttft = guards.ttft == nil ? [] : Self.thresholds(settings)
        ttftMax = guards.ttft.flatMap { g in g.max.map { _ in BinomialEProcess.above(1 - g.quantile) } }
        tokens = guards.tokens.map { MeanRatioGuard(maxRatio: $0.maxRatio) }
        cost = guards.cost.map { MeanRatioGuard(maxRatio: $0.maxRatio) }
        custom = guards.custom.map { Custom($0, settings) }
        self.previousBaselineCounts = previousBaselineCounts
    }

    /// Blank thresholds at `sequential.latencyQuantiles`, warming up.
    static func thresholds(_ settings: SequentialSettings) -> [Latency] {
        settings.latencyQuantiles.map { q in
            Latency(quantile: q, bucket: nil,
                    state: SequentialGuardState(settings: settings, floor: Self.latencyFloor(q, settings)))
        }
    }

    /// The floor of a latency guard: `badRatio × (1 − q)`, the share of requests above the threshold that a
    /// candidate `badRatio` × worse than the nominal baseline would have, but at most halfway from the
    /// nominal share `1 − q` to 1 (so p50 gets a floor of 75 %, not 100 %).
    static func latencyFloor(_ q: Double, _ settings: SequentialSettings) -> Double {
        min(settings.badRatio * (1 - q), (1 + (1 - q)) / 2)
    }

    /// True when this memory was built under these very values (else the judge starts it afresh, e.g.
    /// after a policy edit that kept the step): a changed limit — error statuses, `maxRatio`,
    /// `minDelta`, `maxRate`, the latency quantile, `maxP99`, `guards.ttft`, `guards.tokens`,
    /// `guards.cost` and the prices it compares, or any `sequential` setting — is a different hypothesis,
    /// and evidence gathered against the old one says nothing about it.
    ///
    /// A memory stored without `limits` (by an older version) is compared on the values its state
    /// shows: the latency quantiles, the nulls (`tolerance`, `badRatio`, `maxRate`, the latency
    /// quantile), the errors floor (`minDelta`), and that it has none of the guards added since.
    func matches(_ settings: SequentialSettings, _ guards: Guards, prices: [ArmCost?] = []) -> Bool {
        if let limits { return limits == Self.limits(settings, guards, prices: prices) }
        let fresh = SequentialMemory(settings: settings, guards: guards)
        return latency.map(\.quantile) == settings.latencyQuantiles
            && errors.rollback.null == fresh.errors.rollback.null && errors.safety.null == fresh.errors.safety.null
            && errors.floor?.null == fresh.errors.floor?.null
            && maxRate?.null == fresh.maxRate?.null && maxP99?.null == fresh.maxP99?.null
            && ttft.isEmpty && fresh.ttft.isEmpty && fresh.ttftMax == nil && fresh.tokens == nil && fresh.cost == nil
            && custom.isEmpty && fresh.custom.isEmpty
    }

    /// Every value the sequential judge's evidence depends on, as one canonical line:
    /// `statuses=0,429,500-599 errors.maxRatio=2.0 minDelta=1.0 maxRate=- quantile=0.99 latency.maxRatio=1.5
    /// maxP99=- alpha=0.01 beta=0.05 tolerance=1.0 badRatio=2.0 latencyQuantiles=0.5,0.9,0.99,0.999`, then
    /// only for the guards a policy sets (custom guards last, `SequentialMemory.customLimits`) (so the line of a policy without them is what it always was):
    /// ` ttft.quantile=0.99 ttft.maxRatio=1.5 ttft.max=2000ms tokens.maxRatio=1.5 cost.maxRatio=1.5
    /// prices=0.42/0.0,1.0/0.0` (`per1kTokens/perRequest` of the baseline, then the candidate; `-` unpriced).
    static func limits(_ settings: SequentialSettings, _ guards: Guards, prices: [ArmCost?] = []) -> String {
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
        var line = "statuses=\(ranges.joined(separator: ","))"
            + " errors.maxRatio=\(guards.maxErrorRatio) minDelta=\(guards.errorRateSlackPercent)"
            + " maxRate=\(guards.maxErrorRatePercent.map { "\($0)" } ?? "-")"
            + " quantile=\(guards.latencyQuantile) latency.maxRatio=\(guards.maxLatencyRatio)"
            + " maxP99=\(guards.maxP99.map { "\($0.milliseconds)ms" } ?? "-")"
            + " alpha=\(settings.alpha) beta=\(settings.beta) tolerance=\(settings.tolerance)"
            + " badRatio=\(settings.badRatio)"
            + " latencyQuantiles=\(settings.latencyQuantiles.map { "\($0)" }.joined(separator: ","))"
        if let t = guards.ttft {
            line += " ttft.quantile=\(t.quantile) ttft.maxRatio=\(t.maxRatio)"
                + " ttft.max=\(t.max.map { "\($0.milliseconds)ms" } ?? "-")"
        }
        if let t = guards.tokens { line += " tokens.maxRatio=\(t.maxRatio)" }
        if let c = guards.cost {
            let shown = prices.map { p in p.map { "\($0.per1kTokens)/\($0.perRequest)" } ?? "-" }
            line += " cost.maxRatio=\(c.maxRatio) prices=\(shown.joined(separator: ","))"
        }
        for g in guards.custom { line += " " + customLimits(g) }
        return line
    }

    /// The prices `limits` records: the baseline's, then the candidate's.
    static func prices(_ policy: Policy) -> [ArmCost?] {
        [policy.price(of: .baseline), policy.price(of: .candidate)]
    }
}

extension SequentialMemory {
    private enum CodingKeys: String, CodingKey {
        case errors, latency, maxRate, maxP99, previousBaseline, ticks, limits
        case ttft, ttftMax, tokens, cost, previousBaselineCounts, custom
    }

    /// Memories stored before the TTFT, tokens and cost guards have none of their fields: read as
    /// without those guards and with nothing carried for them.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        errors = try c.decode(SequentialGuardState.self, forKey: .errors)
        latency = try c.decode([Latency].self, forKey: .latency)
        maxRate = try c.decodeIfPresent(BinomialEProcess.self, forKey: .maxRate)
        maxP99 = try c.decodeIfPresent(BinomialEProcess.self, forKey: .maxP99)
        previousBaseline = try c.decode([UInt64].self, forKey: .previousBaseline)
        ticks = try c.decode(Int.self, forKey: .ticks)
        limits = try c.decodeIfPresent(String.self, forKey: .limits)
        ttft = try c.decodeIfPresent([Latency].self, forKey: .ttft) ?? []
        ttftMax = try c.decodeIfPresent(BinomialEProcess.self, forKey: .ttftMax)
        tokens = try c.decodeIfPresent(MeanRatioGuard.self, forKey: .tokens)
        cost = try c.decodeIfPresent(MeanRatioGuard.self, forKey: .cost)
        previousBaselineCounts = try c.decodeIfPresent(ArmCounts.self, forKey: .previousBaselineCounts) ?? .zero
        custom = try c.decodeIfPresent([Custom].self, forKey: .custom) ?? []
    }

    /// Leaves out what a policy without the newer guards does not use, so its stored memory reads as
    /// it always did.
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(errors, forKey: .errors)
        try c.encode(latency, forKey: .latency)
        try c.encodeIfPresent(maxRate, forKey: .maxRate)
        try c.encodeIfPresent(maxP99, forKey: .maxP99)
        try c.encode(previousBaseline, forKey: .previousBaseline)
        try c.encode(ticks, forKey: .ticks)
        try c.encodeIfPresent(limits, forKey: .limits)
        if !ttft.isEmpty { try c.encode(ttft, forKey: .ttft) }
        try c.encodeIfPresent(ttftMax, forKey: .ttftMax)
        try c.encodeIfPresent(tokens, forKey: .tokens)
        try c.encodeIfPresent(cost, forKey: .cost)
        if previousBaselineCounts != .zero { try c.encode(previousBaselineCounts, forKey: .previousBaselineCounts) }
        if !custom.isEmpty { try c.encode(custom, forKey: .custom) }
    }
}
