import Testing
@testable import GlidepathCore

/// The threshold judge's TTFT, tokens and cost checks: each fires, stays quiet, is ignored when the
/// policy does not set it, and is skipped without the data it compares.
@Suite struct ThresholdAIGuardsTests {
    /// 1,000 requests, 10 errors, latency at 100 ms; `ttftBucket` puts every TTFT in one bucket
    /// (24: (82 ms, 100 ms], 45: (4.7 s, 5.6 s]); `tokens` per successful request.
    static func arm(ttftBucket: Int? = nil, tokens: UInt64 = 0, requests: UInt64 = 1_000) -> ArmCounts {
        var a = Fixture.arm(requests, errors: requests / 100)
        if let ttftBucket { a.ttft = Fixture.latency(requests, inBucket: ttftBucket) }
        a.tokens = tokens * a.successes
        return a
    }

    /// Baseline at a flat price per request; candidate priced per 1,000 tokens.
    static let prices = ["openai": ArmCost(perRequest: 0.001), "holysheep": ArmCost(per1kTokens: 0.0031)]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var step: ArmPair
        var guards = Guards(failureThreshold: 1)
        var cost: [String: ArmCost] = [:]
        var rule: Verdict.Rule
        var reason: String
        var testDescription: String { name }
    }

    static let ttft = TTFTGuard()
    static let healthyEnd = "; the 5m bake at step 1 (10%) is done"

    static let cases: [Case] = [
        .init(name: "TTFT ratio fires", step: ArmPair(baseline: arm(ttftBucket: 24), candidate: arm(ttftBucket: 45)),
              guards: Guards(failureThreshold: 1, ttft: ttft), rule: .ttftRatio,
              reason: "candidate TTFT p99 5.59 s vs baseline 100 ms (max ratio 1.5): 1 consecutive failed check after "
                  + "1,000 candidate requests"),
        .init(name: "TTFT ratio within the limit", step: ArmPair(baseline: arm(ttftBucket: 24), candidate: arm(ttftBucket: 25)),
              guards: Guards(failureThreshold: 1, ttft: ttft), rule: .healthy,
              reason: "checks pass after 1,000 candidate and 1,000 baseline requests (candidate error rate 1.0% vs "
                  + "baseline 1.0%, p99 100 ms vs 100 ms, TTFT p99 120 ms vs 100 ms)" + healthyEnd),
        .init(name: "TTFT not configured", step: ArmPair(baseline: arm(ttftBucket: 24), candidate: arm(ttftBucket: 45)),
              rule: .healthy,
              reason: "checks pass after 1,000 candidate and 1,000 baseline requests (candidate error rate 1.0% vs "
                  + "baseline 1.0%, p99 100 ms vs 100 ms)" + healthyEnd),
        .init(name: "TTFT: no baseline TTFT to compare with", step: ArmPair(baseline: arm(), candidate: arm(ttftBucket: 45)),
              guards: Guards(failureThreshold: 1, ttft: ttft), rule: .healthy,
              reason: "checks pass after 1,000 candidate and 1,000 baseline requests (candidate error rate 1.0% vs "
                  + "baseline 1.0%, p99 100 ms vs 100 ms)" + healthyEnd),
        .init(name: "TTFT max fires without a baseline TTFT", step: ArmPair(baseline: arm(), candidate: arm(ttftBucket: 45)),
              guards: Guards(failureThreshold: 1, ttft: TTFTGuard(max: .seconds(2))), rule: .ttftMax,
              reason: "candidate TTFT p99 5.59 s above the limit of 2.00 s: 1 consecutive failed check after 1,000 "
                  + "candidate requests"),
        .init(name: "tokens ratio fires", step: ArmPair(baseline: arm(tokens: 400), candidate: arm(tokens: 1_200)),
              guards: Guards(failureThreshold: 1, tokens: RatioGuard()), rule: .tokensRatio,
              reason: "candidate 1,200 tokens per successful request vs baseline 400 (max ratio 1.5): 1 consecutive "
                  + "failed check after 1,000 candidate requests"),
        .init(name: "tokens ratio within the limit", step: ArmPair(baseline: arm(tokens: 400), candidate: arm(tokens: 560)),
              guards: Guards(failureThreshold: 1, tokens: RatioGuard()), rule: .healthy,
              reason: "checks pass after 1,000 candidate and 1,000 baseline requests (candidate error rate 1.0% vs "
                  + "baseline 1.0%, p99 100 ms vs 100 ms, tokens per successful request 560 vs 400)" + healthyEnd),
        .init(name: "tokens not configured", step: ArmPair(baseline: arm(tokens: 400), candidate: arm(tokens: 1_200)),
              rule: .healthy,
              reason: "checks pass after 1,000 candidate and 1,000 baseline requests (candidate error rate 1.0% vs "
                  + "baseline 1.0%, p99 100 ms vs 100 ms)" + healthyEnd),
        .init(name: "tokens: the baseline reports none", step: ArmPair(baseline: arm(), candidate: arm(tokens: 1_200)),
              guards: Guards(failureThreshold: 1, tokens: RatioGuard()), rule: .healthy,
              reason: "checks pass after 1,000 candidate and 1,000 baseline requests (candidate error rate 1.0% vs "
                  + "baseline 1.0%, p99 100 ms vs 100 ms, tokens per successful request 1,200 vs 0.0)" + healthyEnd),
        // 990 successful requests × 1,000 tokens at 0.0031 per 1,000, over 1,000 judged requests: 0.0031 each.
        .init(name: "cost ratio fires", step: ArmPair(baseline: arm(), candidate: arm(tokens: 1_000 * 1_000 / 990 + 1)),
              guards: Guards(failureThreshold: 1, cost: RatioGuard()), cost: prices, rule: .costRatio,
              reason: "candidate cost per request 0.0031 vs baseline 0.0010 (max ratio 1.5): 1 consecutive failed "
                  + "check after 1,000 candidate requests"),
        .init(name: "cost ratio within the limit", step: ArmPair(baseline: arm(), candidate: arm(tokens: 400)),
              guards: Guards(failureThreshold: 1, cost: RatioGuard()), cost: prices, rule: .healthy,
              reason: "checks pass after 1,000 candidate and 1,000 baseline requests (candidate error rate 1.0% vs "
                  + "baseline 1.0%, p99 100 ms vs 100 ms, cost per request 0.0012 vs 0.0010)" + healthyEnd),
        .init(name: "cost not configured", step: ArmPair(baseline: arm(), candidate: arm(tokens: 1_010)),
              cost: prices, rule: .healthy,
              reason: "checks pass after 1,000 candidate and 1,000 baseline requests (candidate error rate 1.0% vs "
                  + "baseline 1.0%, p99 100 ms vs 100 ms)" + healthyEnd),
        .init(name: "cost: an unpriced arm is not compared", step: ArmPair(baseline: arm(), candidate: arm(tokens: 1_010)),
              guards: Guards(failureThreshold: 1, cost: RatioGuard()), cost: ["holysheep": ArmCost(per1kTokens: 0.0031)],
              rule: .healthy,
              reason: "checks pass after 1,000 candidate and 1,000 baseline requests (candidate error rate 1.0% vs "
                  + "baseline 1.0%, p99 100 ms vs 100 ms)" + healthyEnd),
    ]

    @Test(arguments: cases)
    func newGuards(_ c: Case) {
        var policy = Fixture.policy(guards: c.guards)
        policy.cost = c.cost
        let input = JudgeInput(policy: policy, status: Fixture.status(.ramping, step: 1, stepStartedAt: 0),
                               step: c.step, tick: c.step, memory: JudgeMemory())
        let v = ThresholdJudge().assess(input, now: 10 * Fixture.minute).verdict
        #expect(v.rule == c.rule)
        #expect(v.action == (c.rule == .healthy ? .advance : .rollback))
        #expect(v.reason == c.reason)
    }

    @Test func evidenceNamesTheNewGuards() {
        var policy = Fixture.policy(guards: Guards(ttft: Self.ttft, tokens: RatioGuard(), cost: RatioGuard()))
        policy.cost = Self.prices
        let step = ArmPair(baseline: Self.arm(ttftBucket: 24, tokens: 400), candidate: Self.arm(ttftBucket: 24, tokens: 800))
        let input = JudgeInput(policy: policy, status: Fixture.status(.ramping, step: 1, stepStartedAt: 0),
                               step: step, tick: step, memory: JudgeMemory())
        let evidence = ThresholdJudge().assess(input, now: 1).verdict.evidence
        let names = evidence.map { "\($0.guardName)/\($0.test)" }
        #expect(Array(names.dropFirst(6)) == [
            "ttft/candidate_quantile_seconds", "ttft/baseline_quantile_seconds", "ttft/ratio",
            "tokens/candidate_mean", "tokens/baseline_mean", "tokens/ratio",
            "cost/candidate_mean", "cost/baseline_mean", "cost/ratio",
            "exposure/candidate_requests", "exposure/baseline_requests", "checks/failed_checks",
        ])
        #expect(evidence.value(.tokens, .candidateMean) == 800 && evidence.value(.tokens, .ratio) == 2)
        // 990 × 800 tokens at 0.0031 per 1,000 over 1,000 requests.
        #expect(abs(evidence.value(.cost, .candidateMean)! - 990 * 800 * 0.0031 / 1_000 / 1_000) < 1e-15)
        #expect(abs(evidence.value(.cost, .baselineMean)! - 0.001) < 1e-15)
        #expect(abs(evidence.value(.ttft, .candidateQuantileSeconds)! - 0.09982) < 1e-9)
    }

    @Test("money and amounts read well", arguments: [
        (0.0031, 0.001, "0.0031", "0.0010"), (1.5, 0.42, "1.50", "0.42"), (0.0, 0.0, "0.00", "0.00"),
        (0.000123, 0.5, "0.00012", "0.50000"),
    ])
    func money(a: Double, b: Double, ta: String, tb: String) {
        let (x, y) = ReasonFormat.money(a, b)
        #expect(x == ta && y == tb)
    }

    @Test func amounts() {
        #expect(ReasonFormat.amount(1_199.6) == "1,200")
        #expect(ReasonFormat.amount(12.46) == "12.5")
        #expect(ReasonFormat.plain(1.5) == "1.5" && ReasonFormat.plain(2) == "2" && ReasonFormat.plain(1.25) == "1.25")
    }
}
