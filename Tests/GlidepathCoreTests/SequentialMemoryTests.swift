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
    ]

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
