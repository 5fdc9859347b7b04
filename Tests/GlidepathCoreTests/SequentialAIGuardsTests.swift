import Testing
@testable import GlidepathCore

/// The sequential judge's TTFT, tokens and cost guards on seeded traffic (`AILoop`): regressions of one
/// of them alone roll back under its own rule; healthy candidates are not rolled back over long runs.
@Suite struct SequentialAIGuardsTests {
    /// 5/10/25/50/100 % with 2-minute bakes (`SequentialControlTickTests.policy`) plus the given guards.
    static func policy(ttft: TTFTGuard? = nil, tokens: RatioGuard? = nil, cost: RatioGuard? = nil,
                       prices: [String: ArmCost] = [:]) -> Policy {
        var p = SequentialControlTickTests.policy
        p.guards.ttft = ttft
        p.guards.tokens = tokens
        p.guards.cost = cost
        p.cost = prices
        return p
    }

    /// One 50 % step held for 5 hours (1,800 ticks), then 100 %: a long A/A look at one compared step,
    /// whose rollback threshold is 1/alpha = 100.
    static func longStep(_ base: Policy) -> Policy {
        var p = base
        p.steps = [Fixture.step(50, bake: .hours(5)), Fixture.step(100, bake: .minutes(2))]
        return p
    }

    static let prices = ["openai": ArmCost(per1kTokens: 1), "holysheep": ArmCost(per1kTokens: 3)]
    static let samePrices = ["openai": ArmCost(per1kTokens: 1), "holysheep": ArmCost(per1kTokens: 1)]

    static func combined(_ v: Verdict) -> Double { v.evidence.value(.combined, .rollbackEValue) ?? 0 }

    @Test("weights: errors ⅔, every configured relative guard an equal share of ⅓")
    func weights() {
        let none = SequentialJudge.rollbackWeights(Self.policy())
        #expect(none == SequentialJudge.rollbackWeights(latencyQuantiles: [0.5, 0.9, 0.99, 0.999]))
        let all = SequentialJudge.rollbackWeights(Self.policy(ttft: TTFTGuard(), tokens: RatioGuard(), cost: RatioGuard()))
        #expect(all.count == 11)
        #expect(all[0] == 2.0 / 3)
        let shares = all.dropFirst().map { abs($0 - 1.0 / 30) }
        #expect(shares.allSatisfy { $0 < 1e-15 })
        var tokensOnly = Self.policy(tokens: RatioGuard())
        tokensOnly.sequential.latencyQuantiles = []
        let expected: [Double] = [2.0 / 3, 1 - 2.0 / 3]
        #expect(SequentialJudge.rollbackWeights(tokensOnly) == expected)
    }

    @Test("TTFT p90 doubled, latency unchanged: rolled back on TTFT evidence within a few ticks")
    func ttftOnlyRegression() throws {
        var loop = AILoop(policy: Self.policy(ttft: TTFTGuard()))
        loop.run(limit: 60, perTick: 1_000, candidate: ArmTraffic(ttft: ArmTraffic.doubledTTFT))
        #expect(loop.status.phase == .rolledBack)
        #expect(loop.verdicts.count <= 4)
        let last = try #require(loop.verdicts.last)
        #expect(last.action == .rollback && last.rule == .ttftEvidence)
        #expect(last.reason.hasPrefix("candidate share of first tokens slower than the baseline's TTFT p"))
        #expect(last.reason.hasSuffix("≥ 180 (99% confidence over 4 steps)"))
        // Latency is the same on both arms: its evidence stays small.
        for q in [0.5, 0.9, 0.99] {
            #expect((last.evidence.value(.latency(quantile: q), .rollbackEValue) ?? 99) < 10, "p\(q)")
        }
        // The baseline's p90 sits at the edge of the 68 ms bucket: 68 ms or the next bound, 82 ms, or 100 ms.
        #expect([0.068, 0.082, 0.1].contains(last.evidence.value(.ttft(quantile: 0.9), .thresholdSeconds) ?? 0))
    }

    @Test("without guards.ttft the same candidate is not judged on TTFT")
    func ttftIgnoredWithoutTheGuard() {
        var loop = AILoop(policy: Self.policy())
        loop.run(limit: 400, perTick: 1_000, candidate: ArmTraffic(ttft: ArmTraffic.doubledTTFT))
        #expect(loop.status.phase == .promoted)
        #expect(!loop.verdicts.contains { $0.evidence.contains { $0.guardName.rawValue.hasPrefix("ttft") } })
    }

    @Test("A/A with TTFT: promoted, TTFT gating each step", arguments: [UInt64(1), 2, 3])
    func aaWithTTFTIsPromoted(seed: UInt64) throws {
        var loop = AILoop(policy: Self.policy(ttft: TTFTGuard()), seed: seed)
        loop.run(limit: 600, perTick: 1_000)
        #expect(loop.status.phase == .promoted)
        #expect(!loop.verdicts.contains { $0.action == .rollback })
        let advance = try #require(loop.verdicts.first { $0.action == .advance })
        #expect(advance.reason.hasPrefix("safe: candidate no worse than 2.0× the baseline on errors, p50/p90/p99 "
            + "latency and p50/p90/p99 TTFT (evidence ≥ 20 each) after "))
    }

    @Test("A/A with TTFT, tokens and cost over 1,800 ticks at one step: no rollback", arguments: [UInt64(7), 8])
    func longAA(seed: UInt64) {
        let policy = Self.longStep(Self.policy(ttft: TTFTGuard(), tokens: RatioGuard(), cost: RatioGuard(),
                                               prices: Self.samePrices))
        var loop = AILoop(policy: policy, seed: seed)
        loop.run(limit: 1_800, perTick: 200)
        #expect(loop.verdicts.count == 1_800)
        #expect(!loop.verdicts.contains { $0.action == .rollback })
        let top = loop.verdicts.map(Self.combined).max() ?? 0
        #expect(top < 100)
    }

    @Test("TTFT gates advancing only when both arms report it", arguments: [false, true])
    func ttftGatesOnlyWithData(candidateReports: Bool) throws {
        var loop = AILoop(policy: Self.policy(ttft: TTFTGuard()))
        loop.run(limit: 400, perTick: 1_000, baseline: ArmTraffic(ttft: nil),
                 candidate: ArmTraffic(ttft: candidateReports ? ArmTraffic.normalTTFT : nil))
        #expect(loop.status.phase == .promoted)
        let advance = try #require(loop.verdicts.first { $0.action == .advance })
        #expect(advance.reason.contains("on errors and p50/p90/p99 latency (evidence"))
    }

    @Test("3× tokens per successful request: rolled back on tokens evidence")
    func tokensRegression() throws {
        var loop = AILoop(policy: Self.policy(tokens: RatioGuard()))
        loop.run(limit: 60, perTick: 1_000, baseline: ArmTraffic(tokensCV: 0),
                 candidate: ArmTraffic(tokensMean: 1_200, tokensCV: 0))
        #expect(loop.status.phase == .rolledBack)
        let last = try #require(loop.verdicts.last)
        #expect(last.rule == .tokensEvidence)
        #expect(last.reason.hasPrefix("candidate 1,200 tokens per successful request vs baseline 400 (max ratio 1.5) after "))
        #expect(last.evidence.value(.tokens, .unit) == 1_600)
        #expect(loop.verdicts.count <= 6)
    }

    @Test("3× tokens with noisy responses (CV 1) is rolled back too")
    func tokensRegressionNoisy() throws {
        var loop = AILoop(policy: Self.policy(tokens: RatioGuard()))
        loop.run(limit: 60, perTick: 1_000, candidate: ArmTraffic(tokensMean: 1_200))
        #expect(loop.status.phase == .rolledBack)
        #expect(loop.verdicts.last?.rule == .tokensEvidence)
    }

    @Test("the same tokens per request (CV 1) are promoted; tokens never gate advancing")
    func tokensAA() throws {
        var loop = AILoop(policy: Self.policy(tokens: RatioGuard()))
        loop.run(limit: 400, perTick: 1_000)
        #expect(loop.status.phase == .promoted)
        let advance = try #require(loop.verdicts.first { $0.action == .advance })
        #expect(advance.reason.contains("on errors and p50/p90/p99 latency (evidence"))
    }

    @Test("cost per request 3× (same tokens, 3× the price): rolled back on cost evidence")
    func costRegression() throws {
        var loop = AILoop(policy: Self.policy(cost: RatioGuard(), prices: Self.prices))
        loop.run(limit: 60, perTick: 1_000, baseline: ArmTraffic(errorRate: 0, tokensCV: 0),
                 candidate: ArmTraffic(errorRate: 0, tokensCV: 0))
        #expect(loop.status.phase == .rolledBack)
        let last = try #require(loop.verdicts.last)
        #expect(last.rule == .costEvidence)
        #expect(last.reason.hasPrefix("candidate cost per request 1.20 vs baseline 0.40 (max ratio 1.5) after "))
        #expect(abs((last.evidence.value(.cost, .unit) ?? 0) - 1.6) < 1e-12)
    }

    @Test("the same cost per request is promoted")
    func costAA() {
        var loop = AILoop(policy: Self.policy(cost: RatioGuard(), prices: Self.samePrices))
        loop.run(limit: 400, perTick: 1_000)
        #expect(loop.status.phase == .promoted)
    }

    @Test("guards.ttft.max rolls back a slow first token even at the 100% step")
    func ttftMax() throws {
        var policy = Self.policy(ttft: TTFTGuard(max: TimeSpan(milliseconds: 150)))
        policy.steps = [Fixture.step(100, bake: .minutes(2))]
        var loop = AILoop(policy: policy)
        loop.run(limit: 30, perTick: 1_000, candidate: ArmTraffic(ttft: ArmTraffic.doubledTTFT))
        #expect(loop.status.phase == .rolledBack)
        let last = try #require(loop.verdicts.last)
        #expect(last.rule == .ttftMax)
        #expect(last.reason.contains("% of candidate first tokens slower than 150 ms, above the 1.0% that a TTFT "
            + "p99 of at most 150 ms allows, after "))
        #expect(last.evidence.value(.ttftMax, .eValue).map { $0 >= 100 } == true)
        #expect(last.evidence.value(.combined, .absoluteThreshold) == 100)
    }
}
