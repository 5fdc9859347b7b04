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
/// - **No data** changes no e-value: it never rolls back and never advances. (A candidate without a
///   request for `noDataAfter` holds under rule `no-data` whatever the judge: `NoDataCheck`.)
package struct SequentialJudge: Judge {
    package init() {}

    /// Weight of the errors guard in the combined rollback e-value; the latency thresholds share the rest.
    package static let errorsWeight = 2.0 / 3.0

    /// Weights of the combined rollback e-value: errors first, then one per latency quantile. Errors get
    /// `errorsWeight` (⅔); the latency thresholds share the other third equally. Without latency
    /// quantiles errors weigh 1. (Tail-heavy latency weights were tried: no measurable gain.)
    package static func rollbackWeights(latencyQuantiles qs: [Double]) -> [Double] {
        guard !qs.isEmpty else { return [1] }
        return [errorsWeight] + qs.map { _ in (1 - errorsWeight) / Double(qs.count) }
    }

    /// The steps where the relative rollback test runs: those below 100 %, where a baseline remains.
    package static func comparedSteps(_ policy: Policy) -> [Int] {
        policy.steps.indices.filter { policy.steps[$0].weight < .full }
    }

    /// The relative rollback test's alpha at `step`: `alpha` split over the compared steps in proportion to
    /// `1/weight` (see the type's comment). Nil at a 100 % step (nothing to compare) or a step the policy
    /// does not have.
    package static func rollbackAlpha(_ policy: Policy, step: Int) -> Double? {
        let compared = comparedSteps(policy)
        guard compared.contains(step) else { return nil }
        func inverse(_ i: Int) -> Double { 10_000 / Double(policy.steps[i].weight.basisPoints) }
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

        // Thresholds known from the previous step count from this tick on.
        Self.freeze(&mem, from: mem.previousBaseline)
        Self.update(&mem, tick: tick, relative: !sole, guards: policy.guards)
        // Warm-up: thresholds taken from this step's baseline count from the next tick on.
        Self.freeze(&mem, from: input.step.baseline.latency)
        mem.ticks += 1

        var memory = input.memory
        memory.sequential = mem
        let view = SequentialView(input: input, memory: mem, sole: sole, now: now)
        return Assessment(verdict: view.verdict(), memory: memory)
    }

    /// The memory to continue from: a fresh one for a new step, or when a limit changed (keeping the
    /// carried baseline). A memory stored without its limits takes them on when it still matches.
    static func prepared(_ memory: SequentialMemory?, _ policy: Policy) -> SequentialMemory {
        if var memory, memory.ticks > 0, memory.matches(policy.sequential, policy.guards) {
            if memory.limits == nil { memory.limits = SequentialMemory.limits(policy.sequential, policy.guards) }
            return memory
        }
        return SequentialMemory(settings: policy.sequential, guards: policy.guards,
                                previousBaseline: memory?.previousBaseline ?? [])
    }

    /// Freezes every latency threshold still warming up whose quantile `histogram` can estimate.
    static func freeze(_ mem: inout SequentialMemory, from histogram: [UInt64]) {
        let total = LatencyThresholds.total(histogram)
        for j in mem.latency.indices where mem.latency[j].bucket == nil {
            let q = mem.latency[j].quantile
            guard total >= LatencyThresholds.minimumBaseline(for: q) else { continue }
            mem.latency[j].bucket = LatencyThresholds.bucketIndex(quantile: q, histogram: histogram)
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
