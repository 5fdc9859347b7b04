/// The threshold judge's comparisons on one step's evidence, computed once per tick: rates,
/// quantiles, ratios and which rules fail, with the sentences that explain them.
struct ThresholdChecks {
    struct Failure {
        /// `error-ratio`, `error-rate`, `latency-ratio` or `latency-max`.
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
    /// Failing rules, in the order error-ratio, error-rate, latency-ratio, latency-max.
    let failures: [Failure]
    let quantileName: String

    /// - Parameter relative: compare with the baseline. False at a 100 % step, where the baseline gets no
    ///   traffic left to compare with: only the absolute limits (`maxRate`, `maxP99`) apply there.
    init(policy: Policy, step: ArmPair, relative: Bool = true) {
        let guards = policy.guards
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
        self.failures = failures
    }

    /// `candidate error rate 0.9% vs baseline 1.0%, p99 213 ms vs 205 ms`.
    var summary: String {
        var text = "candidate error rate \(ReasonFormat.percent(candidateRate)) vs baseline "
            + ReasonFormat.percent(baselineRate)
        if let cl = candidateLatency, let bl = baselineLatency {
            text += ", \(quantileName) \(ReasonFormat.latency(seconds: cl)) vs \(ReasonFormat.latency(seconds: bl))"
        }
        return text
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
        out.append(GuardEvidence(guardName: .exposure, test: .candidateRequests, value: Double(candidateRequests)))
        out.append(GuardEvidence(guardName: .exposure, test: .baselineRequests, value: Double(baselineRequests)))
        out.append(GuardEvidence(guardName: .checks, test: .failedChecks, value: Double(failedChecks)))
        return out
    }
}
