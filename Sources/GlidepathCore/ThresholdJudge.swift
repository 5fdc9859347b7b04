/// The Flagger-style judge: minimum requests per arm, then threshold rules on the error-rate ratio
/// and the latency-quantile ratio between arms; rolls back after `failureThreshold` consecutive failed checks.
///
/// All checks use the step's cumulative evidence (everything since the step began):
/// 1. No request on either arm: hold (`no-data`). No data never advances and never rolls back.
/// 2. Either arm below `minRequests`: hold (`min-requests`); failed checks are neither counted nor reset.
/// 3. Error rate (`errors / (requests − client errors)`): fails when the candidate's exceeds
///    `max(baseline × maxErrorRatio, baseline + minDelta points)` (`error-ratio`) or the absolute
///    `maxErrorRatePercent` (`error-rate`). Latency quantile from the step histograms: fails when the
///    candidate's exceeds `baseline × maxLatencyRatio` (`latency-ratio`) or `maxP99` (`latency-max`).
///    Only when the policy sets them: the `guards.ttft` quantile of the TTFT histograms, compared like
///    latency when both arms reported a TTFT in the step (`ttft-ratio`) and against `guards.ttft.max`
///    (`ttft-max`); tokens per successful request (`tokens-ratio`) and cost per judged request
///    (`cost-ratio`, both arms priced) above `maxRatio` × the baseline's (a baseline at 0 is not compared).
/// 4. A failing tick counts in `memory.failedChecks` only when the candidate got new requests this tick
///    (a quiet tick has nothing new to say); a passing tick resets the count. At `failureThreshold`:
///    rollback, named after the first failing rule; below it: hold under that rule.
/// 5. Passing checks advance (`healthy`) once the step's bake time has passed, else hold (`bake`).
///
/// At a 100 % step the baseline gets no traffic, so there is nothing to compare with: only the
/// candidate needs `minRequests`, and only the absolute limits (`maxRate`, `maxP99`, `ttft.max`) are checked.
package struct ThresholdJudge: Judge {
    package init() {}

    package func assess(_ input: JudgeInput, now: Int64) -> Assessment {
        let policy = input.policy
        let sole = input.status.candidateWeight(policy) == .full
        let checks = ThresholdChecks(policy: policy, step: input.step, relative: !sole)
        var memory = input.memory
        let here = ReasonFormat.step(input.status.step, policy)
        let c = input.step.candidate, b = input.step.baseline

        if c.requests == 0 && b.requests == 0 {
            return Assessment(verdict: Verdict(action: .hold, rule: .noData,
                                               reason: "no requests on either arm since \(here) began; "
                                                   + "no data never advances or rolls back",
                                               evidence: checks.evidence(failedChecks: memory.failedChecks)),
                              memory: memory)
        }
        let minimum = UInt64(max(0, policy.minRequests))
        if sole, c.requests < minimum {
            let reason = "waiting for \(ReasonFormat.count(minimum)) candidate requests at \(here), where the "
                + "candidate takes all traffic: \(ReasonFormat.count(c.requests)) so far"
            return Assessment(verdict: Verdict(action: .hold, rule: .minRequests, reason: reason,
                                               evidence: checks.evidence(failedChecks: memory.failedChecks)),
                              memory: memory)
        }
        if !sole, c.requests < minimum || b.requests < minimum {
            let reason = "waiting for \(ReasonFormat.count(minimum)) requests per arm at \(here): "
                + "baseline has \(ReasonFormat.count(min(b.requests, minimum))) of \(ReasonFormat.count(minimum)), "
                + "candidate \(ReasonFormat.count(min(c.requests, minimum))) of \(ReasonFormat.count(minimum))"
            return Assessment(verdict: Verdict(action: .hold, rule: .minRequests, reason: reason,
                                               evidence: checks.evidence(failedChecks: memory.failedChecks)),
                              memory: memory)
        }

        if let first = checks.failures.first {
            let counted = input.tick.candidate.requests > 0
            if counted { memory.failedChecks += 1 }
            let threshold = max(1, policy.guards.failureThreshold)
            let what = checks.failures.map(\.sentence).joined(separator: "; ")
            let evidence = checks.evidence(failedChecks: memory.failedChecks)
            if memory.failedChecks >= threshold {
                let n = memory.failedChecks
                let reason = "\(what): \(n) consecutive failed \(n == 1 ? "check" : "checks") after "
                    + "\(ReasonFormat.count(c.requests)) candidate requests"
                return Assessment(verdict: Verdict(action: .rollback, rule: first.rule, reason: reason,
                                                   evidence: evidence), memory: memory)
            }
            let progress = counted
                ? "failed check \(memory.failedChecks) of \(threshold) before rollback"
                : "not counted, no new candidate requests this tick (\(memory.failedChecks) of \(threshold) so far)"
            return Assessment(verdict: Verdict(action: .hold, rule: first.rule, reason: "\(what): \(progress)",
                                               evidence: evidence), memory: memory)
        }

        memory.failedChecks = 0
        let evidence = checks.evidence(failedChecks: 0)
        let bake = policy.steps.indices.contains(input.status.step)
            ? policy.steps[input.status.step].bake : .zero
        let elapsed = now.subtractingSaturating(input.status.stepStartedAt)
        if elapsed < bake.milliseconds {
            let reason = "checks pass (\(checks.summary)); "
                + "\(ReasonFormat.duration(milliseconds: bake.milliseconds.subtractingSaturating(elapsed))) of the "
                + "\(ReasonFormat.duration(bake)) bake left at \(here)"
            return Assessment(verdict: Verdict(action: .hold, rule: .bake, reason: reason, evidence: evidence),
                              memory: memory)
        }
        var reason = "checks pass after \(ReasonFormat.count(c.requests)) candidate and "
            + "\(ReasonFormat.count(b.requests)) baseline requests (\(checks.summary))"
        if bake.milliseconds > 0 { reason += "; the \(ReasonFormat.duration(bake)) bake at \(here) is done" }
        return Assessment(verdict: Verdict(action: .advance, rule: .healthy, reason: reason, evidence: evidence),
                          memory: memory)
    }
}
