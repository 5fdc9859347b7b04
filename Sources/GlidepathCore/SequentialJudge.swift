#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The anytime-valid sequential judge (see the README, "How glidepath decides").
///
/// Per tick it feeds the tick's increments (`input.tick`) into e-processes that restart at each step:
/// - **Guards.** `errors` (bad event: an error among the judged requests) and one latency guard per
///   `sequential.latencyQuantiles` (bad event: a request slower than the threshold `T_j`, the baseline's
///   quantile of the previous step rounded up to a bucket bound and frozen for the step; at the first
///   step, or when the previous step saw too few baseline requests, it is taken from this step's first
///   baseline requests — at least `LatencyThresholds.minimumBaseline` — and counts from the next tick).
/// - **Rollback** (relative): each guard's `RatioEProcess` against "candidate no worse than `tolerance`".
///   The guards are combined by a weighted average of their e-values — itself an e-value, so no alpha
///   is split between guards: **errors weigh ⅔ and the latency thresholds share the other ⅓ equally**
///   (1/12 each for the default p50/p90/p99/p99.9): errors, the most common regression of a provider
///   migration and the rarest bad event at a 1 % base rate, lose only a factor 1.5 of evidence, while a
///   whole-distribution latency shift moves thousands of requests past p50/p90 and needs no more. A guard
///   without evidence yet counts as 1.
/// - **Alpha across steps.** The step rolls back when the combined e-value reaches `1/α_i`. The steps
///   where the candidate shares traffic with a baseline (weight below 100 %) split `alpha` in proportion
///   to `1/weight`: `α_i = alpha · (1/w_i) / Σ_j (1/w_j)`. Evidence accrues at a rate proportional to the
///   candidate's share, so a step needs a time ∝ `log(1/α_i) / w_i` to reach its threshold; this split
///   minimises the sum of those times over the steps (a Lagrange multiplier on `Σ α_i = alpha`), giving the
///   thin first steps, where a regression present from the start is caught, the most alpha. For
///   5/10/25/50/100 % the thresholds are 180, 360, 900 and 1,800 (an even split would be 400 each). With the
///   evidence restarting at each step, the chance of ever rolling back a candidate that is no worse stays
///   below `alpha` over the whole migration (Ville's inequality per step, a union bound over the steps).
/// - **Absolute limits** (`guards.errors.maxRate`, `guards.latency.maxP99`): each a one-sample
///   `BinomialEProcess` on the candidate alone ("rate ≤ limit"; for `maxP99` the bad event is a request
///   slower than the smallest bound ≥ `maxP99` and the limit is `1 − guards.latency.quantile`), each tested
///   on its own at every step, the 100 % step included, against `1/(alpha / number of steps)` (an even
///   split: a limit the user set is a separate hypothesis, each adding at most `alpha` of false alarms).
/// - **Advance** needs the bake time, `minRequests` per arm, and for every gated guard a safety e-value
///   ≥ `1/beta` against "candidate at least `badRatio` worse" (`0.8 × ratio test + 0.2 × floor test`, the
///   floor test showing the candidate's own rate is below a negligible level: `minDelta` for errors,
///   `min(badRatio × (1 − q), (2 − q)/2)` for latency; it lets a baseline with no errors at all be
///   advanced from). Gated are errors and the latency thresholds with q ≤ 0.99, once the baseline reports
///   latency; rarer tails (p99.9) would need hours of traffic per step, so they guard rollback only. At a 100 % step there is no baseline: only the candidate's exposure, the bake and the
///   absolute limits apply.
/// - **Time to first token, tokens, cost** (only when the policy sets `guards.ttft`, `guards.tokens`,
///   `guards.cost`). TTFT: one exceedance guard per `sequential.latencyQuantiles`, exactly like latency but
///   on the TTFT histograms (thresholds from the baseline's TTFT, carried from the previous step in
///   `previousBaselineCounts`, frozen for the step); those with q ≤ 0.99 gate advancing once both arms
///   reported a TTFT in the step. `guards.ttft.max` is a one-sample limit like `maxP99`. Tokens per
///   successful request and cost per judged request: a `MeanRatioGuard` each (the ratio test on amounts in
///   a frozen unit of 4 × the baseline's mean, null `maxRatio`), rollback only. In the combined rollback
///   e-value errors keep ⅔ and every configured relative guard — latency thresholds, TTFT thresholds,
///   tokens, cost — shares the other ⅓ equally (`rollbackWeights(_:)`).
/// - **Custom guards** (`guards.custom`, business signals counted by the metrics source): each is judged
///   like errors — a `SequentialGuardState` on its bad events among the requests (rollback against
///   `tolerance`, safety against `badRatio` with the guard's `minDelta` as floor) and, with `maxRate`, a
///   one-sample limit like `guards.errors.maxRate`. In the combined rollback e-value each is one more
///   relative guard sharing the ⅓ (its own share of alpha, like TTFT, tokens and cost). A custom guard
///   gates advancing like errors once the source gave its counter on both arms in the step.
/// - **No data** changes no e-value: it never rolls back and never advances. (A candidate without a
///   request for `noDataAfter` holds under rule `no-data` whatever the judge: `NoDataCheck`.)
package struct SequentialJudge: Judge {
    package init() {}

    /// Weight of the errors guard in the combined rollback e-value; the other relative guards share the rest.
    package static let errorsWeight = 2.0 / 3.0

    /// Weights of the combined rollback e-value: errors first, then one per latency quantile. Errors get
    /// `errorsWeight` (⅔); the latency thresholds share the other third equally. Without latency
    /// quantiles errors weigh 1. (Tail-heavy latency weights were tried: no measurable gain.)
    package static func rollbackWeights(latencyQuantiles qs: [Double]) -> [Double] {
        rollbackWeights(relativeGuards: qs.count)
    }

    /// Weights of the combined rollback e-value for `policy`, in the order errors, latency thresholds,
    /// TTFT thresholds, tokens, cost, custom guards: errors ⅔ and every other relative guard the policy configures an
    /// equal share of ⅓ (errors alone weigh 1). Taken from what the policy sets, never from which data
    /// arrived, so a guard without data still holds its share (its e-value 1) and nothing is re-weighted
    /// mid-step. A policy without `ttft`, `tokens` or `cost` gets exactly the weights of the latency
    /// thresholds alone.
    package static func rollbackWeights(_ policy: Policy) -> [Double] {
        let q = policy.sequential.latencyQuantiles.count, g = policy.guards
        return rollbackWeights(relativeGuards: q + (g.ttft == nil ? 0 : q) + (g.tokens == nil ? 0 : 1)
                                   + (g.cost == nil ? 0 : 1) + g.custom.count)
    }

    static func rollbackWeights(relativeGuards n: Int) -> [Double] {
        guard n > 0 else { return [1] }
        return [errorsWeight] + (0..<n).map { _ in (1 - errorsWeight) / Double(n) }
    }

    /// The steps where the relative rollback test runs: those below 100 %, where a baseline remains.
    package static func comparedSteps(_ policy: Policy) -> [Int] {
        policy.steps.indices.filter { policy.steps[$0].weight < .full }
    }

    /// The relative rollback test's alpha at `step`: `alpha` split over the compared steps in proportion to
    /// `1/weight` (the mirror when larger: the candidate's share of the evidence; see the type's comment). Nil at a 100 % step (nothing to compare) or a step the policy
    /// does not have.
    package static func rollbackAlpha(_ policy: Policy, step: Int) -> Double? {
        let compared = comparedSteps(policy)
        guard compared.contains(step) else { return nil }
        func inverse(_ i: Int) -> Double { 10_000 / Double(policy.steps[i].candidateEvidenceShare.basisPoints) }
        let total = compared.reduce(0) { $0 + inverse($1) }
        return policy.sequential.alpha * inverse(step) / total
    }

    /// Each absolute limit's alpha at every step: `alpha / number of steps`.
    package static func absoluteAlpha(_ policy: Policy) -> Double {
        policy.sequential.alpha / Double(max(1, policy.steps.count))
    }

    /// The highest quantile whose latency guard gates advancing.
    package static let highestGatedQuantile = 0.99

    package func assess(_ input: JudgeInput, now: Int64) -> Assessment {
        let policy = input.policy
        let sole = input.status.candidateWeight(policy) == .full
        var mem = Self.prepared(input.memory.sequential, policy)
        let tick = input.tick

        // Thresholds and units known from the previous step count from this tick on.
        Self.freeze(&mem, from: mem.previousBaseline)
        Self.freezeOthers(&mem, from: mem.previousBaselineCounts, policy)
        Self.update(&mem, tick: tick, relative: !sole, guards: policy.guards)
        Self.updateOthers(&mem, tick: tick, relative: !sole, policy)
        Self.updateCustom(&mem, tick: tick, relative: !sole, policy)
        // Warm-up: thresholds and units taken from this step's baseline count from the next tick on.
        Self.freeze(&mem, from: input.step.baseline.latency)
        Self.freezeOthers(&mem, from: input.step.baseline, policy)
        mem.ticks += 1

        var memory = input.memory
        memory.sequential = mem
        let view = SequentialView(input: input, memory: mem, sole: sole, now: now)
        return Assessment(verdict: view.verdict(), memory: memory)
    }

    /// The memory to continue from: a fresh one for a new step, or when a limit changed (keeping the
    /// carried baseline). A memory stored without its limits takes them on when it still matches.
    static func prepared(_ memory: SequentialMemory?, _ policy: Policy) -> SequentialMemory {
        let prices = SequentialMemory.prices(policy)
        if var memory, memory.ticks > 0, memory.matches(policy.sequential, policy.guards, prices: prices) {
            if memory.limits == nil {
                memory.limits = SequentialMemory.limits(policy.sequential, policy.guards, prices: prices)
            }
            return memory
        }
        return SequentialMemory(settings: policy.sequential, guards: policy.guards,
                                previousBaseline: memory?.previousBaseline ?? [],
                                previousBaselineCounts: memory?.previousBaselineCounts ?? .zero, prices: prices)
    }

    /// Freezes every latency threshold still warming up whose quantile `histogram` can estimate.
    static func freeze(_ mem: inout SequentialMemory, from histogram: [UInt64]) {
        freeze(&mem.latency, from: histogram)
    }

    /// Freezes every threshold of `thresholds` still warming up whose quantile `histogram` can estimate.
    static func freeze(_ thresholds: inout [SequentialMemory.Latency], from histogram: [UInt64]) {
        guard !thresholds.isEmpty else { return }
        let total = LatencyThresholds.total(histogram)
        for j in thresholds.indices where thresholds[j].bucket == nil {
            let q = thresholds[j].quantile
            guard total >= LatencyThresholds.minimumBaseline(for: q) else { continue }
            thresholds[j].bucket = LatencyThresholds.bucketIndex(quantile: q, histogram: histogram)
        }
    }

    /// Feeds one tick's increments into every e-process.
    static func update(_ mem: inout SequentialMemory, tick: ArmPair, relative: Bool, guards: Guards) {
        let c = tick.candidate, b = tick.baseline
        let nc = c.judgedRequests, nb = relative ? b.judgedRequests : 0
        let ec = min(c.errors, nc), eb = relative ? min(b.errors, nb) : 0
        if relative {
            mem.errors.update(candidateTrials: nc, candidateEvents: ec, baselineTrials: nb, baselineEvents: eb)
            let hc = LatencyThresholds.total(c.latency), hb = LatencyThresholds.total(b.latency)
            for j in mem.latency.indices {
                guard let bucket = mem.latency[j].bucket else { continue }
                mem.latency[j].state.update(
                    candidateTrials: hc, candidateEvents: LatencyThresholds.countAbove(index: bucket, histogram: c.latency),
                    baselineTrials: hb, baselineEvents: LatencyThresholds.countAbove(index: bucket, histogram: b.latency))
            }
        }
        mem.maxRate?.update(trials: nc, events: ec)
        if let cap = guards.maxP99 {
            let bucket = LatencyBuckets.index(ofSeconds: cap.seconds)
            mem.maxP99?.update(trials: LatencyThresholds.total(c.latency),
                               events: LatencyThresholds.countAbove(index: bucket, histogram: c.latency))
        }
    }
}
