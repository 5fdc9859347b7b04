import Foundation
import Testing
@testable import GlidepathCore

@Suite struct SequentialJudgeTests {
    static let policy = SequentialControlTickTests.policy

    /// The state after `ticks` ticks of 1,000 requests with a 3× candidate (evidence, no decision yet).
    static func midway(ticks: Int = 3) -> SeqLoop {
        var loop = SeqLoop(policy: policy)
        for _ in 0..<ticks { loop.tick(perTick: 1_000, candidateErrors: 0.02) }
        return loop
    }

    @Test("no data changes no e-value, never rolls back and never advances")
    func noDataChangesNothing() throws {
        var loop = Self.midway()
        let before = try #require(loop.state.memory.sequential)
        for _ in 0..<50 { loop.tick(perTick: 0) }
        let after = try #require(loop.state.memory.sequential)
        #expect(after.errors == before.errors)
        #expect(after.latency == before.latency)
        #expect(loop.state.lastCandidateAt == 30_000)
        #expect(loop.status.phase == .ramping && loop.status.step == 0)
        #expect(loop.verdicts.suffix(50).allSatisfy { $0.action == .hold })
    }

    @Test("noDataAfter: an idle candidate holds under no-data, with the duration, and says so in evidence",
          arguments: [JudgeKind.sequential, .threshold])
    func noDataAfter(judge: JudgeKind) throws {
        var policy = Self.policy.with(judge: judge)
        policy.noDataAfter = .minutes(1)
        var loop = SeqLoop(policy: policy)
        loop.tick(perTick: 1_000)
        for _ in 0..<5 { loop.tick(perTick: 0) }
        #expect(loop.verdicts.last?.rule == .minRequests)
        #expect(loop.verdicts.last?.evidence.contains(GuardEvidence(guardName: .exposure, test: .noData, value: 0)) == true)
        loop.tick(perTick: 0)
        let v = try #require(loop.verdicts.last)
        #expect(v.action == .hold && v.rule == .noData)
        #expect(v.reason == "no candidate request for 1m at step 0 (5%) (noDataAfter 1m); no data never advances or rolls back")
        #expect(v.evidence.contains(GuardEvidence(guardName: .exposure, test: .noData, value: 1)))
        #expect(v.evidence.contains(GuardEvidence(guardName: .exposure, test: .candidateIdleSeconds, value: 60)))
        #expect(loop.state.lastCandidateAt == 10_000)
        loop.tick(perTick: 1_000)
        #expect(loop.verdicts.last?.evidence.contains(GuardEvidence(guardName: .exposure, test: .noData, value: 0)) == true)
    }

    @Test("noDataAfter stops the threshold judge advancing on old evidence; without it the step advances")
    func noDataAfterBlocksAnAdvance() throws {
        for limit in [TimeSpan.minutes(1), nil] {
            var policy = Self.policy.with(judge: .threshold)
            policy.noDataAfter = limit
            var loop = SeqLoop(policy: policy)
            loop.tick(perTick: 10_000)  // 500 candidate requests, healthy; then nothing on either arm
            for _ in 0..<11 { loop.tick(perTick: 0) }  // 2 minutes: the bake is over
            let v = try #require(loop.verdicts.last)
            if limit == nil {
                #expect(v.action == .advance && loop.status.step == 1)
            } else {
                #expect(v.action == .hold && v.rule == .noData && loop.status.step == 0)
                #expect(v.reason.hasPrefix("no candidate request for 1m 50s at step 0 (5%)"))
            }
        }
    }

    @Test("maxHold with onStuck rollback rolls a step without a decision back; with hold it only says stuck",
          arguments: [OnStuck.rollback, .hold])
    func maxHold(onStuck: OnStuck) throws {
        var policy = Self.policy
        policy.maxHold = .minutes(5)
        policy.onStuck = onStuck
        var loop = SeqLoop(policy: policy)
        for _ in 0..<29 { loop.tick(perTick: 10) }  // 1 req/s: far too little evidence to decide
        #expect(loop.status.phase == .ramping && loop.verdicts.last?.rule == .minRequests)
        loop.tick(perTick: 10)
        let v = try #require(loop.verdicts.last)
        switch onStuck {
        case .rollback:
            #expect(v.action == .rollback && v.rule == .maxHold)
            #expect(loop.status.phase == .rolledBack)
        case .hold:
            #expect(v.action == .hold && v.rule == .stuck)
            #expect(v.reason.hasPrefix("step 0 (5%) held for 5m without a decision (max hold 5m), still holding; last check: "))
            #expect(loop.status.phase == .ramping)
        }
    }

    /// Policies as step weights (percent), each step's expected relative threshold `1/α_i` (nil: not
    /// compared), by hand: `α_i = 0.01 · (1/w_i) / Σ_j (1/w_j)` over the steps below 100 %.
    static let splits: [([Double], [Double?])] = [
        // 1/w = 20, 10, 4, 2 (sum 36): α_0 = 0.01 · 20/36, threshold 36/(0.01 · 20) = 180, then 360, 900, 1,800.
        ([5, 10, 25, 50, 100], [180, 360, 900, 1_800, nil]),
        // Nearly equal weights split nearly evenly (about 200 each): Σ(1/w) · w_i / 0.01.
        ([50, 50.5], [(1 / 50.5 + 1 / 50) / (0.01 / 50), (1 / 50.5 + 1 / 50) / (0.01 / 50.5)]),
        // A single compared step takes all of alpha; the 100 % step has no relative test.
        ([20, 100], [100, nil]),
        ([100], [nil]),
        // 1/w = 100, 4/3 (sum 101.333…): 101.333…/(0.01 · 100) = 101.33, 101.333…/(0.01 · 4/3) = 7,600.
        ([1, 75], [101.0 + 1 / 3, 7_600]),
    ]

    @Test("alpha is split across the compared steps in proportion to 1/weight", arguments: splits)
    func alphaSplit(weights: [Double], thresholds: [Double?]) {
        var policy = Self.policy
        policy.steps = weights.map { Step(weight: Weight(basisPoints: Int(($0 * 100).rounded())), bake: .zero) }
        #expect(SequentialJudge.comparedSteps(policy) == thresholds.indices.filter { thresholds[$0] != nil })
        var total = 0.0
        for (step, expected) in thresholds.enumerated() {
            let alpha = SequentialJudge.rollbackAlpha(policy, step: step)
            #expect((alpha == nil) == (expected == nil))
            total += alpha ?? 0
            let status = Fixture.status(.ramping, step: step, revision: 1, stepStartedAt: 0)
            let out = SequentialJudge().assess(JudgeInput(policy: policy, status: status, step: .zero, tick: .zero,
                                                          memory: JudgeMemory()), now: 1)
            let value = out.verdict.evidence.first { $0.guardName == .combined && $0.test == .rollbackThreshold }?.value
            if let expected {
                #expect(abs((value ?? 0) - expected) < 1e-6 * expected, "step \(step)")
            } else {
                #expect(value == nil, "step \(step)")
            }
        }
        // The compared steps spend exactly alpha between them (none when nothing is compared).
        #expect(abs(total - (thresholds.contains { $0 != nil } ? 0.01 : 0)) < 1e-15)
        #expect(SequentialJudge.rollbackAlpha(policy, step: weights.count) == nil)
        #expect(abs(SequentialJudge.absoluteAlpha(policy) - 0.01 / Double(weights.count)) < 1e-15)
    }

    @Test("combination weights: errors ⅔, the latency thresholds share ⅓")
    func weights() {
        let four = SequentialJudge.rollbackWeights(latencyQuantiles: [0.5, 0.9, 0.99, 0.999])
        #expect(four.count == 5 && abs(four[0] - 2.0 / 3) < 1e-15 && four.dropFirst().allSatisfy { abs($0 - 1.0 / 12) < 1e-15 })
        #expect(abs(four.reduce(0, +) - 1) < 1e-15)
        let one = SequentialJudge.rollbackWeights(latencyQuantiles: [0.99])
        #expect(abs(one[0] - 2.0 / 3) < 1e-15 && abs(one[1] - 1.0 / 3) < 1e-15)
        #expect(SequentialJudge.rollbackWeights(latencyQuantiles: []) == [1])
    }

    @Test("an absolute error-rate limit rolls back even at the 100% step, where nothing is compared")
    func absoluteLimit() throws {
        var policy = Self.policy
        policy.guards.maxErrorRatePercent = 5
        let status = Fixture.status(.ramping, step: 4, revision: 5, stepStartedAt: 0)
        let tick = ArmPair(candidate: ArmCounts(requests: 100, errors: 12))
        let first = SequentialJudge().assess(JudgeInput(policy: policy, status: status, step: tick, tick: tick,
                                                        memory: JudgeMemory()), now: 10_000)
        #expect(first.verdict.action == .hold && first.verdict.rule == .bake)
        #expect(first.verdict.reason.hasPrefix("candidate takes all traffic: 100 requests, no absolute limit crossed; "))
        let e1 = try #require(first.memory.sequential?.maxRate?.eValue)
        #expect(abs(e1 - 15.525251249162176) < 1e-8)
        #expect(first.memory.sequential?.errors.rollback.eValue == 1)  // no baseline at 100 %

        var step = tick
        var memory = first.memory
        var verdict = first.verdict
        for i in 2...6 where verdict.action != .rollback {
            step += tick
            let out = SequentialJudge().assess(JudgeInput(policy: policy, status: status, step: step, tick: tick,
                                                          memory: memory), now: Int64(i) * 10_000)
            memory = out.memory
            verdict = out.verdict
        }
        #expect(verdict.action == .rollback && verdict.rule == .errorRate)
        #expect(verdict.reason.hasPrefix("candidate error rate 12.0% above the limit of 5.0% after "))
        #expect(verdict.evidence.contains { $0.guardName == .errors && $0.test == .maxRateEValue && $0.value >= 500 })
    }

    @Test("a 100% step promotes on exposure and bake alone")
    func soleStepPromotes() {
        let status = Fixture.status(.ramping, step: 4, revision: 5, stepStartedAt: 0)
        let tick = ArmPair(candidate: ArmCounts(requests: 200, errors: 2))
        let out = SequentialJudge().assess(JudgeInput(policy: Self.policy, status: status, step: tick, tick: tick,
                                                      memory: JudgeMemory()), now: 120_000)
        #expect(out.verdict.action == .advance && out.verdict.rule == .healthy)
        #expect(out.verdict.reason == "candidate takes all traffic: 200 requests, no absolute limit crossed; bake done")
    }

    @Test("a restart keeps the evidence: the JSON round trip continues exactly where it stopped")
    func restartKeepsEvidence() throws {
        var straight = Self.midway(ticks: 2)
        var restarted = straight
        let data = try JSONEncoder().encode(restarted.state)
        restarted.state = try JSONDecoder().decode(JudgeState.self, from: data)
        #expect(restarted.state == straight.state)
        #expect(restarted.state.memory.sequential?.errors.rollback.logL.allSatisfy { $0 != 0 } == true)
        for _ in 0..<40 {
            straight.tick(perTick: 1_000, candidateErrors: 0.02)
            restarted.tick(perTick: 1_000, candidateErrors: 0.02)
        }
        #expect(restarted.verdicts == straight.verdicts)
        #expect(restarted.state == straight.state)
        #expect(restarted.status == straight.status)
    }

    @Test("evidence restarts at each step")
    func evidenceRestarts() throws {
        var loop = SeqLoop(policy: Self.policy)
        loop.run(limit: 400, perTick: 1_000)
        let advance = try #require(loop.transitions.first)
        let memory = try #require(advance.judge.memory.sequential)
        #expect(memory.ticks == 0 && memory.errors.rollback.eValue == 1 && memory.errors.candidateTrials == 0)
        #expect(LatencyThresholds.total(memory.previousBaseline) > 0)
    }

    @Test("without baseline latency data only errors gate advancing")
    func errorsOnly() throws {
        let status = Fixture.status(.ramping, step: 0, revision: 1, stepStartedAt: 0)
        let tick = ArmPair(baseline: ArmCounts(requests: 10_000, errors: 100), candidate: ArmCounts(requests: 10_000, errors: 100))
        let out = SequentialJudge().assess(JudgeInput(policy: Self.policy, status: status, step: tick, tick: tick,
                                                      memory: JudgeMemory()), now: 130_000)
        #expect(out.verdict.action == .advance)
        #expect(out.verdict.reason == "safe: candidate no worse than 2.0× the baseline on errors (evidence ≥ 20 each) "
            + "after 10,000 candidate requests; bake done")
        let safety = try #require(out.verdict.evidence.first { $0.guardName == .errors && $0.test == .safetyEValue })
        #expect(safety.value > 20)
    }

    @Test("reasons: evidence and thresholds read well")
    func formats() {
        #expect(ReasonFormat.evidence(3.27) == "3.2")
        #expect(ReasonFormat.evidence(412.9) == "412")
        #expect(ReasonFormat.evidence(12_345.6) == "12,345")
        #expect(ReasonFormat.evidence(1.27e9) == "1.2e9")
        #expect(ReasonFormat.threshold(1 / 0.05) == "20")
        #expect(ReasonFormat.threshold(1 / (0.01 / 3)) == "300")
        #expect(ReasonFormat.confidence(alpha: 0.01) == "99%")
        #expect(ReasonFormat.confidence(alpha: 0.005) == "99.5%")
    }
}
