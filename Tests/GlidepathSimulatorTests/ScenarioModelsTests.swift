import Glibc
import GlidepathCore
import Testing
@testable import GlidepathSimulator

/// S7 (TTFT-only regression), the TTFT and tokens models, and the S1–S6 draws staying as they were.
@Suite struct ScenarioModelsTests {
    static let s7 = Scenario.named("S7")!

    /// `count` draws of a single-lognormal model's values, sorted.
    func samples(_ model: LatencyModel, count: Int, seed: UInt64) -> [Double] {
        var rng = Xoshiro256(seed: seed)
        let c = model.components[0]
        return (0..<count).map { _ in c.medianSeconds * exp(c.sigma * rng.normal()) }.sorted()
    }

    @Test func s7DoublesTheTTFTQuantilesAndLeavesLatencyAlone() throws {
        let s7 = Self.s7
        let base = try #require(s7.baseline.ttft), bad = try #require(s7.regressed?.ttft)
        for q in [0.5, 0.9, 0.99] { #expect(abs(bad.quantile(q) / base.quantile(q) - 2) < 1e-4) }
        // Baseline TTFT: median 300 ms, σ 0.5: p90 = 0.3 · e^(0.5 · 1.2816) ≈ 569 ms.
        #expect(abs(base.quantile(0.9) - 0.5694) < 1e-3)
        #expect(s7.regressed?.latency == s7.baseline.latency)
        #expect(s7.regressed?.errorRate == s7.baseline.errorRate)
        #expect(s7.candidate == s7.baseline)
        #expect(s7.guardsTTFT && !s7.healthy && s7.onset == .start)
        // Over many samples the candidate's p90 is twice the baseline's (within 5 %).
        let n = 200_000
        let p90b = samples(base, count: n, seed: 1)[n * 9 / 10], p90c = samples(bad, count: n, seed: 2)[n * 9 / 10]
        #expect(abs(p90c / p90b - 2) < 0.1)
    }

    @Test func s7SampledHistogramsShowTheTTFTRegressionOnly() throws {
        let s7 = Self.s7
        var rng = Xoshiro256(seed: 23)
        var b = ArmCounts(), c = ArmCounts()
        ArmSampler(behaviour: s7.baseline).draw(meanRequests: 400_000, errorRate: 0.01, into: &b, rng: &rng)
        ArmSampler(behaviour: try #require(s7.regressed)).draw(meanRequests: 400_000, errorRate: 0.01, into: &c, rng: &rng)
        // One TTFT per successful request.
        #expect(LatencyThresholds.total(b.ttft) == b.requests - b.errors)
        #expect(LatencyThresholds.total(c.ttft) == c.requests - c.errors)
        let ratio = try #require(LatencyBuckets.quantile(0.9, counts: c.ttft)) / #require(LatencyBuckets.quantile(0.9, counts: b.ttft))
        #expect(abs(ratio - 2) < 0.1)
        for q in [0.5, 0.9, 0.99] {
            let r = try #require(LatencyBuckets.quantile(q, counts: c.latency)) / #require(LatencyBuckets.quantile(q, counts: b.latency))
            #expect(abs(r - 1) < 0.03)
        }
        // Share above the baseline's p90 rounded up to a bucket bound (680 ms): 5.1 % → 40.1 %.
        let bound = LatencyBuckets.index(ofSeconds: 0.68)
        let shareB = Double(LatencyThresholds.countAbove(index: bound, histogram: b.ttft)) / Double(LatencyThresholds.total(b.ttft))
        let shareC = Double(LatencyThresholds.countAbove(index: bound, histogram: c.ttft)) / Double(LatencyThresholds.total(c.ttft))
        #expect(abs(shareB - 0.0509) < 0.003)
        #expect(abs(shareC - 0.4012) < 0.005)
        // Tokens: mean 400 per successful request.
        #expect(abs(Double(b.tokens) / Double(b.requests - b.errors) - 400) < 4)
        #expect(b.ttftSum > 0 && abs(b.ttftSum / Double(LatencyThresholds.total(b.ttft)) - 0.34) < 0.03)
    }

    @Test func s7aIsAnAAWithTheTTFTGuardOnlyWithoutAPolicyFile() throws {
        let s7a = try #require(Scenario.named("S7a"))
        #expect(s7a.healthy && s7a.candidate == s7a.baseline && s7a.regressed == nil)
        #expect(s7a.policy(nil, judge: .sequential).guards.ttft == TTFTGuard())
        let own = SimulationPolicy.standard(judge: .threshold)
        #expect(s7a.policy(own, judge: .sequential).guards.ttft == nil)
        #expect(Scenario.named("S1")!.policy(nil, judge: .sequential).guards.ttft == nil)
    }

    @Test func scenariosWithoutTTFTOrTokensDrawNeither() {
        var rng = Xoshiro256(seed: 3)
        var counts = ArmCounts()
        ArmSampler(behaviour: .standard).draw(meanRequests: 5000, errorRate: 0.01, into: &counts, rng: &rng)
        #expect(counts.ttft.isEmpty && counts.ttftSum == 0 && counts.tokens == 0)
        for s in Scenario.catalogue where !["S7", "S7a"].contains(s.id) {
            #expect(s.baseline.ttft == nil && s.baseline.tokens == nil && !s.guardsTTFT)
        }
    }

    @Test func tokensTotalsFollowTheMeanBothWays() {
        var rng = Xoshiro256(seed: 9)
        let model = TokensModel(mean: 250, sigma: 0.8)
        // Request by request (≤ 64) and by the normal approximation of the sum.
        var small: UInt64 = 0
        for _ in 0..<4000 { small += model.draw(requests: 10, rng: &rng) }
        #expect(abs(Double(small) / 40_000 - 250) < 5)
        var large: UInt64 = 0
        for _ in 0..<400 { large += model.draw(requests: 1000, rng: &rng) }
        #expect(abs(Double(large) / 400_000 - 250) < 2)
        #expect(model.draw(requests: 0, rng: &rng) == 0)
    }

    @Test func exactSpreadPutsEveryRequestInABucket() {
        var rng = Xoshiro256(seed: 4)
        let d = BucketDistribution(.lognormal(medianSeconds: 0.3, sigma: 0.5))
        for count: UInt64 in [0, 1, 7, 40, 1000, 123_457] {
            var h = Array(repeating: UInt64(0), count: LatencyBuckets.count)
            var sum = 0.0
            d.drawExactly(count, into: &h, sum: &sum, rng: &rng)
            #expect(h.reduce(0, +) == count)
        }
    }

    @Test func lognormalFittedFromP50AndP99() {
        let m = LatencyModel.fitted(p50Seconds: 0.3, p99Seconds: 2)
        #expect(abs(m.quantile(0.5) - 0.3) < 1e-5)
        #expect(abs(m.quantile(0.99) - 2) < 1e-5)
        // σ = ln(2 / 0.3) / 2.3263 ≈ 0.8155.
        #expect(abs(m.components[0].sigma - 0.81549) < 1e-4)
        let standard = LatencyModel.fitted(p50Seconds: 0.1, p99Seconds: 0.1 * exp(0.5 * LatencyModel.z99))
        #expect(abs(standard.components[0].sigma - 0.5) < 1e-12)
    }

    /// S1–S6 keep `glidepath simulate` within a minute (61 s with S7 in, measured idle); S7 and S7a run
    /// when named or with `all`.
    @Test func theDefaultSuiteIsS1ToS6() {
        let ids = Simulator.jobs(SimulationOptions(judges: [.sequential])).map(\.scenario.id)
        #expect(Set(ids) == Set(Scenario.catalogue.map(\.id)).subtracting(["S7", "S7a"]))
        let all = Simulator.jobs(SimulationOptions(scenarios: Scenario.catalogue.map(\.id), judges: [.sequential]))
        #expect(Set(all.map(\.scenario.id)).contains("S7a"))
    }

    @Test func theHorizonLetsAMultiDayPolicyPromote() throws {
        let text = #"{"migration": "m", "baseline": "a", "candidate": "b", "interval": "1m", "judge": "sequential", "#
            + #""steps": [{"weight": 10, "bake": "1d"}, {"weight": 100}]}"#
        let policy = try PolicyParser.parse(text).get()
        let short = Simulator.run(SimulationOptions(scenarios: ["S1"], rates: [10], runs: 10, judges: [.sequential],
                                                    policy: policy))[0]
        #expect(short.heldRate == 1 && short.medianDecisionSeconds == 7200)
        let long = Simulator.run(SimulationOptions(scenarios: ["S1"], rates: [10], runs: 10, judges: [.sequential],
                                                   policy: policy, horizon: .days(3)))[0]
        #expect(long.promotedRate == 1)
        #expect(long.medianDecisionSeconds >= 86_400 && long.medianDecisionSeconds < 86_400 + 3600)
        // S5's own 4-hour horizon is replaced too.
        let s5 = Simulator.jobs(SimulationOptions(scenarios: ["S5"], horizon: .hours(1)))
        #expect(s5.allSatisfy { $0.scenario.horizonSeconds == 3600 })
    }
}
