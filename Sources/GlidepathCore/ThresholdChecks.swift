/// The threshold judge's comparisons on one step's evidence, computed once per tick: rates,
/// quantiles, ratios and which rules fail, with the sentences that explain them.
struct ThresholdChecks {
    struct Failure {
        /// `error-ratio`, `error-rate`, `latency-ratio`, `latency-max`, `ttft-ratio`, `ttft-max`,
        /// `tokens-ratio`, `cost-ratio`, `custom-ratio` or `custom-rate`.
        var rule: Verdict.Rule
        var sentence: String
    }

    /// `errors / (requests − clientErrors)` per arm, 0 without judged requests.
    let candidateRate: Double
    let baselineRate: Double
    /// Candidate rate over baseline rate; 1 when both are 0, nil when only the baseline's is 0.
    let errorRatio: Double?
    /// The guards' latency quantile per arm in seconds, nil without latency data.
    let candidateLatency: Double?
    let baselineLatency: Double?
    /// nil unless both quantiles are known and the baseline's is above 0.
    let latencyRatio: Double?
    let candidateRequests: UInt64
    let baselineRequests: UInt64
    /// With `guards.ttft`: its quantile per arm in seconds (nil without TTFT data), and their ratio
    /// (nil unless both are known and the baseline's is above 0).
    let candidateTTFT: Double?
    let baselineTTFT: Double?
    let ttftRatio: Double?
    /// With `guards.tokens`: tokens per successful request per arm, and their ratio (nil unless both
    /// are known and the baseline's is above 0).
    let candidateTokens: Double?
    let baselineTokens: Double?
    let tokensRatio: Double?
    /// With `guards.cost` (and both arms priced): cost per judged request per arm, and their ratio.
    let candidateCost: Double?
    let baselineCost: Double?
    let costRatio: Double?
    /// With `guards.custom`: the guards the source gave a value for in this step, in the policy's order.
    let custom: [Custom]
    /// Failing rules, in the order error-ratio, error-rate, latency-ratio, latency-max, ttft-ratio,
    /// ttft-max, tokens-ratio, cost-ratio, then custom-ratio and custom-rate per custom guard.
    let failures: [Failure]
    let quantileName: String
    let guards: Guards

    /// - Parameter relative: compare with the baseline. False at a 100 % step, where the baseline gets no
    ///   traffic left to compare with: only the absolute limits (`maxRate`, `maxP99`) apply there.
    init(policy: Policy, step: ArmPair, relative: Bool = true) {
        let guards = policy.guards
        self.guards = guards
        let c = step.candidate, b = step.baseline
        candidateRequests = c.requests
        baselineRequests = b.requests
        candidateRate = c.errorRate
        baselineRate = b.errorRate
        if baselineRate > 0 {
            errorRatio = candidateRate / baselineRate
        } else {
            errorRatio = candidateRate == 0 ? 1 : nil
        }
        quantileName = ReasonFormat.quantileName(guards.latencyQuantile)
        candidateLatency = LatencyBuckets.quantile(guards.latencyQuantile, counts: c.latency)
        baselineLatency = LatencyBuckets.quantile(guards.latencyQuantile, counts: b.latency)
        if let cl = candidateLatency, let bl = baselineLatency, bl > 0 {
            latencyRatio = cl / bl
        } else {
            latencyRatio = nil
        }

        var failures: [Failure] = []
        let rates = "candidate error rate \(ReasonFormat.percent(candidateRate))"
        if c.judgedRequests > 0 {
            let limit = max(baselineRate * guards.maxErrorRatio, baselineRate + guards.errorRateSlackPercent / 100)
            if relative, candidateRate > limit {
                failures.append(Failure(rule: .errorRatio, sentence: "\(rates) vs baseline "
                    + "\(ReasonFormat.percent(baselineRate)) (limit \(ReasonFormat.ratio(guards.maxErrorRatio)) "
                    + "or +\(ReasonFormat.fixed(guards.errorRateSlackPercent, 1)) pt)"))
            }
            if let cap = guards.maxErrorRatePercent, candidateRate * 100 > cap {
                failures.append(Failure(rule: .errorRate, sentence: "\(rates) above the limit of "
                    + "\(ReasonFormat.fixed(cap, 1))%"))
            }
        }
        if let cl = candidateLatency {
            let latency = "candidate \(quantileName) latency \(ReasonFormat.latency(seconds: cl))"
            if relative, let bl = baselineLatency, bl > 0, cl > bl * guards.maxLatencyRatio {
                failures.append(Failure(rule: .latencyRatio, sentence: "\(latency) vs baseline "
                    + "\(ReasonFormat.latency(seconds: bl)) (limit \(ReasonFormat.ratio(guards.maxLatencyRatio)))"))
            }
            if let cap = guards.maxP99, cl > cap.seconds {
                failures.append(Failure(rule: .latencyMax, sentence: "\(latency) above the limit of "
                    + ReasonFormat.latency(seconds: cap.seconds)))
            }
        }
        let ttft = guards.ttft
        candidateTTFT = ttft.flatMap { LatencyBuckets.quantile($0.quantile, counts: c.ttft) }
        baselineTTFT = ttft.flatMap { LatencyBuckets.quantile($0.quantile, counts: b.ttft) }
        ttftRatio = Self.ratio(candidateTTFT, baselineTTFT)
        if let ttft, let cl = candidateTTFT {
            let name = "candidate TTFT \(ReasonFormat.quantileName(ttft.quantile)) \(ReasonFormat.latency(seconds: cl))"
            // Compared only when both arms reported a time to first token in the step.
            if relative, let bl = baselineTTFT, bl > 0, cl > bl * ttft.maxRatio {
                failures.append(Failure(rule: .ttftRatio, sentence: "\(name) vs baseline "
                    + "\(ReasonFormat.latency(seconds: bl)) (max ratio \(ReasonFormat.plain(ttft.maxRatio)))"))
            }
            if let cap = ttft.max, cl > cap.seconds {
                failures.append(Failure(rule: .ttftMax, sentence: "\(name) above the limit of "
                    + ReasonFormat.latency(seconds: cap.seconds)))
            }
        }
        candidateTokens = guards.tokens == nil ? nil : c.tokensPerSuccess
        baselineTokens = guards.tokens == nil ? nil : b.tokensPerSuccess
        tokensRatio = Self.ratio(candidateTokens, baselineTokens)
        if relative, let limit = guards.tokens?.maxRatio, let ratio = tokensRatio, ratio > limit,
           let ct = candidateTokens, let bt = baselineTokens {
            failures.append(Failure(rule: .tokensRatio, sentence: "candidate \(ReasonFormat.amount(ct)) tokens per "
                + "successful request vs baseline \(ReasonFormat.amount(bt)) (max ratio \(ReasonFormat.plain(limit)))"))
        }
        let pc = guards.cost == nil ? nil : policy.price(of: .candidate)
        let pb = guards.cost == nil ? nil : policy.price(of: .baseline)
        candidateCost = pc.flatMap { c.costPerRequest(at: $0) }
        baselineCost = pb.flatMap { b.costPerRequest(at: $0) }
        costRatio = Self.ratio(candidateCost, baselineCost)
        if relative, let limit = guards.cost?.maxRatio, let ratio = costRatio, ratio > limit,
           let cc = candidateCost, let bc = baselineCost {
            let (cm, bm) = ReasonFormat.money(cc, bc)
            failures.append(Failure(rule: .costRatio, sentence: "candidate cost per request \(cm) vs baseline \(bm) "
                + "(max ratio \(ReasonFormat.plain(limit)))"))
        }
        let (custom, customFailures) = Self.customChecks(guards, step: step, relative: relative)
        self.custom = custom
        self.failures = failures + customFailures
    }

    /// `candidate / baseline`, nil unless both are known and the baseline's is above 0.
    static func ratio(_ candidate: Double?, _ baseline: Double?) -> Double? {
        guard let candidate, let baseline, baseline > 0 else { return nil }
        return candidate / baseline
    }

    /// `candidate error rate 0.9% vs baseline 1.0%, p99 213 ms vs 205 ms` (then TTFT, tokens and cost when
    /// the policy guards them and both arms have the data).
    var summary: String {
        var text = "candidate error rate \(ReasonFormat.percent(candidateRate)) vs baseline "
            + ReasonFormat.percent(baselineRate)
        if let cl = candidateLatency, let bl = baselineLatency {
            text += ", \(quantileName) \(ReasonFormat.latency(seconds: cl)) vs \(ReasonFormat.latency(seconds: bl))"
        }
        if let ttft = guards.ttft, let cl = candidateTTFT, let bl = baselineTTFT {
            text += ", TTFT \(ReasonFormat.quantileName(ttft.quantile)) \(ReasonFormat.latency(seconds: cl)) vs "
                + ReasonFormat.latency(seconds: bl)
        }
        if let ct = candidateTokens, let bt = baselineTokens {
            text += ", tokens per successful request \(ReasonFormat.amount(ct)) vs \(ReasonFormat.amount(bt))"
        }
        if let cc = candidateCost, let bc = baselineCost {
            let (cm, bm) = ReasonFormat.money(cc, bc)
            text += ", cost per request \(cm) vs \(bm)"
        }
        return text + customSummary
    }

    /// What `glidepath_guard_evidence` exports; undefined ratios and missing quantiles are left out
    /// rather than written as infinities.
    func evidence(failedChecks: Int) -> [GuardEvidence] {
        var out = [
            GuardEvidence(guardName: .errors, test: .candidateRate, value: candidateRate),
            GuardEvidence(guardName: .errors, test: .baselineRate, value: baselineRate),
        ]
        if let errorRatio { out.append(GuardEvidence(guardName: .errors, test: .ratio, value: errorRatio)) }
        if let candidateLatency {
            out.append(GuardEvidence(guardName: .latency, test: .candidateQuantileSeconds, value: candidateLatency))
        }
        if let baselineLatency {
            out.append(GuardEvidence(guardName: .latency, test: .baselineQuantileSeconds, value: baselineLatency))
        }
        if let latencyRatio { out.append(GuardEvidence(guardName: .latency, test: .ratio, value: latencyRatio)) }
        let extra: [(EvidenceGuard, EvidenceTest, Double?)] = [
            (.ttft, .candidateQuantileSeconds, candidateTTFT), (.ttft, .baselineQuantileSeconds, baselineTTFT),
            (.ttft, .ratio, ttftRatio),
            (.tokens, .candidateMean, candidateTokens), (.tokens, .baselineMean, baselineTokens),
            (.tokens, .ratio, tokensRatio),
            (.cost, .candidateMean, candidateCost), (.cost, .baselineMean, baselineCost), (.cost, .ratio, costRatio),
        ]
        for (g, test, value) in extra {
            if let value { out.append(GuardEvidence(guardName: g, test: test, value: value)) }
        }
        out += customEvidence
        out.append(GuardEvidence(guardName: .exposure, test: .candidateRequests, value: Double(candidateRequests)))
        out.append(GuardEvidence(guardName: .exposure, test: .baselineRequests, value: Double(baselineRequests)))
        out.append(GuardEvidence(guardName: .checks, test: .failedChecks, value: Double(failedChecks)))
        return out
    }
}
