import Foundation
import Testing
@testable import GlidepathCore

/// `guards.custom` in both judges: a healthy candidate is left alone, a candidate with 3× the bad share is
/// rolled back under the custom guard's rule with its name in the reason, counter resets are handled, and
/// a counter the source did not give is no data.
@Suite struct CustomGuardJudgeTests {
    static let jsonParse = CustomGuard(name: "json_parse", kind: .bad, counter: CounterRef(metric: "copy_parse_failures_total"),
                                       maxRatio: 2)
    static let thumbsUp = CustomGuard(name: "thumbs_up", kind: .good, counter: CounterRef(metric: "copy_feedback_total"),
                                      maxRatio: 2)

    /// 1,000 requests, 10 errors, latency at 100 ms, and the given custom counter values.
    static func arm(_ custom: [UInt64]) -> ArmCounts {
        var a = Fixture.arm(1_000, errors: 10)
        a.custom = custom
        return a
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var custom: [CustomGuard]
        var baseline: [UInt64]
        var candidate: [UInt64]
        var step = 1
        var rule: Verdict.Rule
        var reason: String
        var testDescription: String { name }
    }

    static let pass = "checks pass after 1,000 candidate and 1,000 baseline requests (candidate error rate 1.0% vs "
        + "baseline 1.0%, p99 100 ms vs 100 ms"
    static let healthyEnd = "; the 5m bake at step 1 (10%) is done"
    static let capped = CustomGuard(name: "json_parse", kind: .bad, counter: CounterRef(metric: "copy_parse_failures_total"),
                                    maxRatio: 2, maxRatePercent: 5)

    static let thresholdCases: [Case] = [
        .init(name: "healthy: the same bad share", custom: [jsonParse], baseline: [10], candidate: [12], rule: .healthy,
              reason: pass + ", json_parse 1.2% vs 1.0% bad)" + healthyEnd),
        .init(name: "candidate 3× bad", custom: [jsonParse], baseline: [10], candidate: [30], rule: .customRatio,
              reason: "custom guard json_parse: candidate 3.0% bad vs baseline 1.0% (limit 2.0× or +1.0 pt): 1 "
                  + "consecutive failed check after 1,000 candidate requests"),
        .init(name: "good counter: candidate 3× bad", custom: [jsonParse, thumbsUp], baseline: [10, 990],
              candidate: [10, 970], rule: .customRatio,
              reason: "custom guard thumbs_up: candidate 3.0% bad vs baseline 1.0% (limit 2.0× or +1.0 pt): 1 "
                  + "consecutive failed check after 1,000 candidate requests"),
        .init(name: "within the minDelta slack", custom: [jsonParse], baseline: [0], candidate: [9], rule: .healthy,
              reason: pass + ", json_parse 0.9% vs 0.0% bad)" + healthyEnd),
        .init(name: "maxRate at the 100% step, no baseline to compare", custom: [capped], baseline: [], candidate: [60],
              step: 4, rule: .customRate,
              reason: "custom guard json_parse: candidate 6.0% bad, above the limit of 5.0%: 1 consecutive failed "
                  + "check after 1,000 candidate requests"),
        .init(name: "no counter from the source: not judged", custom: [jsonParse], baseline: [], candidate: [],
              rule: .healthy, reason: pass + ")" + healthyEnd),
        .init(name: "not configured: counts ignored", custom: [], baseline: [10], candidate: [300], rule: .healthy,
              reason: pass + ")" + healthyEnd),
    ]

    @Test(arguments: thresholdCases)
    func thresholdJudge(_ c: Case) {
        var guards = Guards(failureThreshold: 1)
        guards.custom = c.custom
        let policy = Fixture.policy(guards: guards)
        let step = ArmPair(baseline: Self.arm(c.baseline), candidate: Self.arm(c.candidate))
        let input = JudgeInput(policy: policy, status: Fixture.status(.ramping, step: c.step, stepStartedAt: 0),
                               step: step, tick: step, memory: JudgeMemory())
        let v = ThresholdJudge().assess(input, now: 10 * Fixture.minute).verdict
        #expect(v.rule == c.rule)
        #expect(v.action == (c.rule == .healthy ? .advance : .rollback))
        #expect(v.reason == c.reason)
    }

    @Test func thresholdEvidenceNamesTheGuard() {
        var guards = Guards()
        guards.custom = [Self.jsonParse, Self.thumbsUp]
        let step = ArmPair(baseline: Self.arm([10, 990]), candidate: Self.arm([30, 980]))
        let input = JudgeInput(policy: Fixture.policy(guards: guards), status: Fixture.status(.ramping, step: 1),
                               step: step, tick: step, memory: JudgeMemory())
        let evidence = ThresholdJudge().assess(input, now: 1).verdict.evidence
        let names = evidence.map { "\($0.guardName)/\($0.test)" }.filter { $0.hasPrefix("custom:") }
        #expect(names == ["custom:json_parse/candidate_rate", "custom:json_parse/baseline_rate", "custom:json_parse/ratio",
                          "custom:thumbs_up/candidate_rate", "custom:thumbs_up/baseline_rate", "custom:thumbs_up/ratio"])
        #expect(evidence.value(.custom("json_parse"), .ratio) == 3)
        #expect(evidence.value(.custom("thumbs_up"), .candidateRate) == 0.02)
    }

    // MARK: the sequential judge, on seeded traffic

    static func sequential(_ custom: [CustomGuard]) -> Policy {
        var p = SequentialControlTickTests.policy
        p.guards.custom = custom
        return p
    }

    @Test("weights: each custom guard is one more relative guard sharing the ⅓")
    func weights() {
        let w = SequentialJudge.rollbackWeights(Self.sequential([Self.jsonParse]))
        #expect(w.count == 6 && w[0] == 2.0 / 3)
        #expect(w.dropFirst().allSatisfy { abs($0 - 1.0 / 15) < 1e-15 })
        #expect(SequentialJudge.rollbackWeights(Self.sequential([])) == SequentialJudge.rollbackWeights(SequentialControlTickTests.policy))
    }

    @Test("A/A with a custom guard: promoted, the guard gating each step", arguments: [UInt64(1), 2, 3])
    func healthyIsPromoted(seed: UInt64) throws {
        var loop = AILoop(policy: Self.sequential([Self.jsonParse]), seed: seed)
        let same = ArmTraffic(customBad: [0.01])
        loop.run(limit: 600, perTick: 1_000, baseline: same, candidate: same)
        #expect(loop.status.phase == .promoted)
        #expect(!loop.verdicts.contains { $0.action == .rollback })
        let advance = try #require(loop.verdicts.first { $0.action == .advance })
        #expect(advance.reason.hasPrefix("safe: candidate no worse than 2.0× the baseline on errors, json_parse and "
            + "p50/p90/p99 latency (evidence ≥ 20 each) after "))
        #expect(advance.evidence.value(.custom("json_parse"), .safetyEValue).map { $0 >= 20 } == true)
    }

    @Test("candidate 3× bad on a custom counter, errors and latency unchanged: rolled back on custom evidence",
          arguments: [CustomGuard.Kind.bad, .good])
    func threeTimesIsRolledBack(kind: CustomGuard.Kind) throws {
        var g = Self.jsonParse
        g.kind = kind
        var loop = AILoop(policy: Self.sequential([g]))
        loop.run(limit: 60, perTick: 1_000, baseline: ArmTraffic(customBad: [0.02]), candidate: ArmTraffic(customBad: [0.06]))
        #expect(loop.status.phase == .rolledBack)
        let last = try #require(loop.verdicts.last)
        #expect(last.action == .rollback && last.rule == .customEvidence)
        #expect(last.reason.hasPrefix("custom guard json_parse: candidate "))
        #expect(last.reason.contains("% bad vs baseline "))
        #expect(last.reason.hasSuffix("≥ 180 (99% confidence over 4 steps)"))
        #expect((last.evidence.value(.errors, .rollbackEValue) ?? 99) < 10)
        #expect(loop.verdicts.count <= 20)
    }

    @Test("without guards.custom the same counts are not judged")
    func ignoredWithoutTheGuard() {
        var loop = AILoop(policy: Self.sequential([]))
        loop.run(limit: 600, perTick: 1_000, baseline: ArmTraffic(customBad: [0.02]), candidate: ArmTraffic(customBad: [0.2]))
        #expect(loop.status.phase == .promoted)
        #expect(!loop.verdicts.contains { $0.evidence.contains { $0.guardName.customName != nil } })
    }

    @Test("maxRate rolls back a custom guard's bad share even at the 100% step")
    func maxRate() throws {
        var policy = Self.sequential([Self.capped])
        policy.steps = [Fixture.step(100, bake: .minutes(2))]
        var loop = AILoop(policy: policy)
        loop.run(limit: 30, perTick: 1_000, candidate: ArmTraffic(customBad: [0.1]))
        #expect(loop.status.phase == .rolledBack)
        let last = try #require(loop.verdicts.last)
        #expect(last.rule == .customRate)
        #expect(last.reason.hasPrefix("custom guard json_parse: candidate "))
        #expect(last.reason.contains("% bad, above the limit of 5.0% after "))
        #expect(last.evidence.value(.custom("json_parse"), .maxRateEValue).map { $0 >= 100 } == true)
    }

    @Test("a counter the source does not give: no evidence, the guard does not gate")
    func missingCounterIsNoData() throws {
        var loop = AILoop(policy: Self.sequential([Self.jsonParse]))
        loop.run(limit: 600, perTick: 1_000)
        #expect(loop.status.phase == .promoted)
        let advance = try #require(loop.verdicts.first { $0.action == .advance })
        #expect(advance.reason.contains("on errors and p50/p90/p99 latency (evidence"))
        #expect(advance.evidence.value(.custom("json_parse"), .rollbackEValue) == 1)
        #expect(advance.evidence.value(.custom("json_parse"), .candidateRate) == nil)
    }

    @Test func memoryRoundTripsAndRecordsTheGuard() throws {
        var guards = Guards()
        guards.custom = [Self.capped]
        var mem = SequentialMemory(settings: SequentialSettings(), guards: guards)
        mem.custom[0].state.update(candidateTrials: 100, candidateEvents: 9, baselineTrials: 900, baselineEvents: 10)
        let data = try JSONEncoder().encode(mem)
        #expect(try JSONDecoder().decode(SequentialMemory.self, from: data) == mem)
        #expect(mem.limits?.hasSuffix(" custom.json_parse=bad:copy_parse_failures_total{}:maxRatio=2.0:minDelta=1.0:maxRate=5.0") == true)
        // Without custom guards nothing is written for them.
        let plain = try JSONEncoder().encode(SequentialMemory())
        #expect(!String(decoding: plain, as: UTF8.self).contains("custom"))
    }
}
