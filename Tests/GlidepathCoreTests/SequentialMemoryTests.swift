import Foundation
import Testing
@testable import GlidepathCore

/// The sequential judge's memory resets when any limit value changes, not only when a limit appears or
/// disappears (it used to keep testing `maxRate: 50` after an edit to `maxRate: 1`).
@Suite struct SequentialMemoryTests {
    struct Edit: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var apply: @Sendable (inout Policy) -> Void
    }

    static let base: Policy = {
        var p = Fixture.policy(steps: [Fixture.step(10, bake: .minutes(60)), Fixture.step(100)]).with(judge: .sequential)
        p.guards.maxErrorRatePercent = 50
        p.guards.maxP99 = .seconds(2)
        return p
    }()

    static let edits: [Edit] = [
        Edit(testDescription: "error statuses") { $0.guards.classifier = StatusClassifier(errorStatuses: [0, 500]) },
        Edit(testDescription: "errors.maxRatio") { $0.guards.maxErrorRatio = 3 },
        Edit(testDescription: "errors.minDelta") { $0.guards.errorRateSlackPercent = 0.5 },
        Edit(testDescription: "errors.maxRate 50 → 1") { $0.guards.maxErrorRatePercent = 1 },
        Edit(testDescription: "errors.maxRate removed") { $0.guards.maxErrorRatePercent = nil },
        Edit(testDescription: "latency.quantile") { $0.guards.latencyQuantile = 0.95 },
        Edit(testDescription: "latency.maxRatio") { $0.guards.maxLatencyRatio = 2 },
        Edit(testDescription: "latency.maxP99 2s → 1s") { $0.guards.maxP99 = .seconds(1) },
        Edit(testDescription: "sequential.alpha") { $0.sequential.alpha = 0.05 },
        Edit(testDescription: "sequential.beta") { $0.sequential.beta = 0.1 },
        Edit(testDescription: "sequential.tolerance") { $0.sequential.tolerance = 1.2 },
        Edit(testDescription: "sequential.badRatio") { $0.sequential.badRatio = 3 },
        Edit(testDescription: "sequential.latencyQuantiles") { $0.sequential.latencyQuantiles = [0.5, 0.99] },
        Edit(testDescription: "ttft added") { $0.guards.ttft = TTFTGuard() },
        Edit(testDescription: "tokens added") { $0.guards.tokens = RatioGuard() },
    ]

    /// Edits of a policy that has every newer guard: each is a different hypothesis too.
    static let newerEdits: [Edit] = [
        Edit(testDescription: "ttft removed") { $0.guards.ttft = nil },
        Edit(testDescription: "ttft.quantile") { $0.guards.ttft?.quantile = 0.9 },
        Edit(testDescription: "ttft.maxRatio") { $0.guards.ttft?.maxRatio = 2 },
        Edit(testDescription: "ttft.max") { $0.guards.ttft?.max = .seconds(3) },
        Edit(testDescription: "tokens.maxRatio") { $0.guards.tokens?.maxRatio = 2 },
        Edit(testDescription: "tokens removed") { $0.guards.tokens = nil },
        Edit(testDescription: "cost.maxRatio") { $0.guards.cost?.maxRatio = 3 },
        Edit(testDescription: "cost removed") { $0.guards.cost = nil },
        Edit(testDescription: "the baseline's price") { $0.cost["openai"] = ArmCost(per1kTokens: 0.5) },
        Edit(testDescription: "the candidate's price") { $0.cost["holysheep"] = ArmCost(perRequest: 0.01) },
    ]

    static let newer: Policy = {
        var p = base
        p.guards.ttft = TTFTGuard(max: .seconds(2))
        p.guards.tokens = RatioGuard()
        p.guards.cost = RatioGuard(maxRatio: 2)
        p.cost = ["openai": ArmCost(per1kTokens: 1), "holysheep": ArmCost(per1kTokens: 0.42)]
        return p
    }()

    @Test("a changed TTFT, tokens or cost limit, or price, starts the memory afresh", arguments: newerEdits)
    func changedNewerLimitResets(_ edit: Edit) {
        var loop = AILoop(policy: Self.newer)
        for _ in 0..<3 { loop.tick(perTick: 1_000) }
        let memory = loop.state.memory.sequential!
        #expect(memory.ticks == 3 && memory.tokens?.unit != nil && memory.ttft.count == 4)
        #expect(SequentialJudge.prepared(memory, Self.newer) == memory)
        var changed = Self.newer
        edit.apply(&changed)
        let prepared = SequentialJudge.prepared(memory, changed)
        #expect(prepared.ticks == 0)
        #expect(prepared.tokens?.unit == nil && prepared.ttft.allSatisfy { $0.bucket == nil })
    }

    /// A memory stored by the build before the TTFT, tokens and cost guards (recorded with commit 11b4dba:
    /// two ticks at 10 % with `maxRate`, `maxP99` and latency quantiles p50/p99).
    static let storedBeforeNewerGuards = #"{"errors":{"baselineEvents":18,"baselineTrials":1800,"candidateEvents":6,"candidateTrials":200,"floor":{"alternatives":[0.001,0.0025,0.005,0.0075],"logL":[-12.059842467100209,-6.85360827345506,-3.1815510415479977,-1.2368109647649572],"null":0.01},"rollback":{"alternatives":[1.5,2,3,5,10],"logL":[1.2618267085826225,1.871438768055877,2.215956368953748,1.5812937956954922,-1.5889827101732],"null":1},"safety":{"alternatives":[0.5,0.75,1,1.25,1.5],"logL":[-4.799282786114337,-2.989903811143604,-1.871438768055878,-1.1252001623395311,-0.6096120594732557],"null":2}},"latency":[{"bucket":24,"quantile":0.5,"state":{"baselineEvents":450,"baselineTrials":900,"candidateEvents":50,"candidateTrials":100,"floor":{"alternatives":[0.07500000000000001,0.1875,0.375,0.5625],"logL":[-49.71261366719334,-10.381968238912222,11.15717756571049,13.596685774182088],"null":0.75},"rollback":{"alternatives":[1.5,2,3,5,10],"logL":[-4.121826679307695,-12.997730874165121,-36.230163963571805,-87.76422268890144,-205.79768843649512],"null":1},"safety":{"alternatives":[0.5,0.75,1,1.25,1.5],"logL":[3.9870190399430925,11.272531243721048,12.997730874165107,11.808602144689932,8.875904194857409],"null":2}}},{"bucket":29,"quantile":0.99,"state":{"baselineEvents":9,"baselineTrials":900,"candidateEvents":1,"candidateTrials":100,"floor":{"alternatives":[0.0020000000000000018,0.0050000000000000044,0.010000000000000009,0.015000000000000013],"logL":[-0.5007153329562548,0.11753202278365804,0.31193759437782764,0.21613580878787064],"null":0.020000000000000018},"rollback":{"alternatives":[1.5,2,3,5,10],"logL":[-0.08243653358615388,-0.2599546174833024,-0.7246032792714361,-1.7552844537780288,-4.115953768729902],"null":1},"safety":{"alternatives":[0.5,0.75,1,1.25,1.5],"logL":[0.07974038079886192,0.22545062487442102,0.2599546174833022,0.23617204289379856,0.17751808389714818],"null":2}}}],"limits":"statuses=0,429,500-599 errors.maxRatio=2.0 minDelta=1.0 maxRate=5.0 quantile=0.99 latency.maxRatio=1.5 maxP99=250ms alpha=0.01 beta=0.05 tolerance=1.0 badRatio=2.0 latencyQuantiles=0.5,0.99","maxP99":{"alternatives":[0.015000000000000013,0.020000000000000018,0.030000000000000027,0.050000000000000044,0.10000000000000009],"logL":[-0.1916035711799302,-0.6238751887556659,-1.8437320056427908,-4.947229964873527,-14.266245415268235],"null":0.010000000000000009},"maxRate":{"alternatives":[0.07500000000000001,0.1,0.15000000000000002,0.25,0.5],"logL":[-2.7408492852902815,-6.330157843073814,-14.986099479374872,-36.2027954698561,-110.70414335948031],"null":0.05},"previousBaseline":[],"ticks":2}"#

    @Test func aMemoryStoredBeforeTheNewerGuardsDecodesAndEncodesTheSame() throws {
        let memory = try JSONDecoder().decode(SequentialMemory.self, from: Data(Self.storedBeforeNewerGuards.utf8))
        #expect(memory.ticks == 2 && memory.latency.count == 2 && memory.maxRate != nil && memory.maxP99 != nil)
        #expect(memory.ttft.isEmpty && memory.ttftMax == nil && memory.tokens == nil && memory.cost == nil)
        #expect(memory.previousBaselineCounts == .zero)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(memory), as: UTF8.self) == Self.storedBeforeNewerGuards)
        // Still the same hypothesis under the policy it was built with; adding a TTFT guard restarts it.
        var policy = Fixture.policy(steps: [Fixture.step(10, bake: .minutes(60)), Fixture.step(100, bake: .zero)])
        policy.guards.maxErrorRatePercent = 5
        policy.guards.maxP99 = TimeSpan(milliseconds: 250)
        policy.sequential.latencyQuantiles = [0.5, 0.99]
        #expect(SequentialJudge.prepared(memory, policy) == memory)
        policy.guards.ttft = TTFTGuard()
        #expect(SequentialJudge.prepared(memory, policy).ticks == 0)
    }

    @Test func aMemoryWithTheNewerGuardsRoundTrips() throws {
        var loop = AILoop(policy: Self.newer)
        for _ in 0..<3 { loop.tick(perTick: 1_000) }
        let memory = try #require(loop.state.memory.sequential)
        let back = try JSONDecoder().decode(SequentialMemory.self, from: try JSONEncoder().encode(memory))
        #expect(back == memory)
        #expect(back.ttftMax != nil && back.cost?.unit != nil)
    }

    @Test("the baseline's TTFT, tokens and requests are carried into the next step only with those guards")
    func carriedCounts() throws {
        var loop = AILoop(policy: Self.newer)
        for _ in 0..<3 { loop.tick(perTick: 1_000) }
        let next = loop.state.resetForNewStep()
        let carried = try #require(next.memory.sequential?.previousBaselineCounts)
        #expect(carried.requests == loop.state.step.baseline.requests && carried.latency.isEmpty)
        #expect(carried.tokens == loop.state.step.baseline.tokens && carried.ttft == loop.state.step.baseline.ttft)
        var plain = AILoop(policy: Self.base)
        for _ in 0..<3 { plain.tick(perTick: 1_000) }
        #expect(plain.state.resetForNewStep().memory.sequential?.previousBaselineCounts == .zero)
        // A small step adds what was carried before.
        var small = loop.state
        small.step.baseline = ArmCounts(requests: 10, tokens: 4_000, ttft: [1, 2])
        small.memory.sequential?.previousBaselineCounts = carried
        let merged = try #require(small.resetForNewStep().memory.sequential?.previousBaselineCounts)
        #expect(merged.requests == carried.requests + 10 && merged.tokens == carried.tokens + 4_000)
        #expect(merged.ttft[0] == carried.ttft[0] + 1)
    }

    @Test("the next step's thresholds and units come from the carried baseline, frozen at its first tick")
    func nextStepStartsFrozen() throws {
        // The tick after the first advance: every unit and the p50–p99 thresholds were frozen before it counted.
        var again = AILoop(policy: SequentialAIGuardsTests.policy(ttft: TTFTGuard(), tokens: RatioGuard(),
                                                                  cost: RatioGuard(), prices: Self.newer.cost))
        while again.transitions.isEmpty && again.verdicts.count < 200 { again.tick(perTick: 1_000) }
        #expect(again.status.step == 1)
        again.tick(perTick: 1_000)
        let m = try #require(again.state.memory.sequential)
        #expect(m.ticks == 1)
        #expect(m.tokens?.unit != nil && m.cost?.unit != nil)
        #expect(m.tokens?.candidateTrials ?? 0 > 0)
        #expect(m.ttft.prefix(3).allSatisfy { $0.bucket != nil && $0.state.candidateTrials > 0 })
    }

    /// A memory that has judged a few ticks under `base`.
    static func usedMemory() -> SequentialMemory {
        var loop = SeqLoop(policy: base)
        for _ in 0..<3 { loop.tick(perTick: 1_000, baselineErrors: 0.05, candidateErrors: 0.05) }
        let memory = loop.state.memory.sequential!
        #expect(memory.ticks == 3)
        return memory
    }

    @Test("a changed limit value starts the memory afresh", arguments: edits)
    func changedLimitResets(_ edit: Edit) {
        let memory = Self.usedMemory()
        var changed = Self.base
        edit.apply(&changed)
        #expect(!memory.matches(changed.sequential, changed.guards))
        let prepared = SequentialJudge.prepared(memory, changed)
        #expect(prepared.ticks == 0)
        #expect(prepared == SequentialMemory(settings: changed.sequential, guards: changed.guards,
                                             previousBaseline: memory.previousBaseline))
    }

    @Test func unchangedLimitsKeepTheMemory() {
        let memory = Self.usedMemory()
        var same = Self.base
        same.steps[0].bake = .minutes(5)  // not a limit
        same.minRequests = 10
        #expect(memory.matches(same.sequential, same.guards))
        #expect(SequentialJudge.prepared(memory, same) == memory)
    }

    /// A memory stored before limits were recorded compares what its state shows, and takes the limits on.
    @Test func aMemoryWithoutLimitsIsComparedOnItsState() {
        var memory = Self.usedMemory()
        memory.limits = nil
        #expect(memory.matches(Self.base.sequential, Self.base.guards))
        #expect(SequentialJudge.prepared(memory, Self.base).limits == SequentialMemory.limits(Self.base.sequential, Self.base.guards))
        var tighter = Self.base
        tighter.guards.maxErrorRatePercent = 1
        #expect(!memory.matches(tighter.sequential, tighter.guards))
    }

    @Test func limitsReadAsOneLine() {
        #expect(SequentialMemory.limits(SequentialSettings(), Guards())
                == "statuses=0,429,500-599 errors.maxRatio=2.0 minDelta=1.0 maxRate=- quantile=0.99 latency.maxRatio=1.5 "
                + "maxP99=- alpha=0.01 beta=0.05 tolerance=1.0 badRatio=2.0 latencyQuantiles=0.5,0.9,0.99,0.999")
        let guards = Guards(ttft: TTFTGuard(max: .seconds(2)), tokens: RatioGuard(), cost: RatioGuard(maxRatio: 2))
        #expect(SequentialMemory.limits(SequentialSettings(), guards, prices: [ArmCost(per1kTokens: 0.42), nil])
                .hasSuffix("latencyQuantiles=0.5,0.9,0.99,0.999 ttft.quantile=0.99 ttft.maxRatio=1.5 ttft.max=2000ms "
                    + "tokens.maxRatio=1.5 cost.maxRatio=2.0 prices=0.42/0.0,-"))
    }

    /// `maxRate` tightened from 50 to 1 mid-step: the judge tests the new null and rolls back a candidate
    /// failing 5 % of its requests (as often as the baseline, so only the absolute limit can fire).
    @Test func tighteningMaxRateMidStepTestsTheNewNull() throws {
        var loop = SeqLoop(policy: Self.base)
        loop.run(limit: 6, perTick: 1_000, baselineErrors: 0.05, candidateErrors: 0.05)
        #expect(loop.status.phase == .ramping && loop.status.step == 0)
        #expect(loop.state.memory.sequential?.maxRate?.null == 0.5)

        var tighter = Self.base
        tighter.guards.maxErrorRatePercent = 1
        let edit = try StateMachine.updatePolicy(from: loop.policy, to: tighter, newVersion: 2, status: loop.status,
                                                 judge: loop.state, now: loop.now)
        #expect(edit.status.step == 0 && edit.judge == loop.state)  // same step: bake and evidence kept
        loop.policy = tighter
        loop.status = edit.status
        loop.state = edit.judge

        loop.tick(perTick: 1_000, baselineErrors: 0.05, candidateErrors: 0.05)
        #expect(loop.state.memory.sequential?.maxRate?.null == 0.01)
        loop.run(limit: 20, perTick: 1_000, baselineErrors: 0.05, candidateErrors: 0.05)
        #expect(loop.status.phase == .rolledBack)
        let last = try #require(loop.verdicts.last)
        #expect(last.rule == .errorRate)
        #expect(last.reason.hasPrefix("candidate error rate 5.0% above the limit of 1.0% after "))
    }
}
