import Testing
@testable import GlidepathCore

/// The `guards.custom` counters between snapshots: increments, resets one counter at a time, a whole-arm
/// restart, a changed number of counters, and a policy edit that changes which counters are read.
@Suite struct CustomCounterIncrementTests {
    static func arm(_ requests: UInt64, custom: [UInt64]) -> ArmCounts {
        var a = ArmCounts(requests: requests, errors: 0)
        a.custom = custom
        return a
    }

    @Test("increments per counter", arguments: [
        // (previous, current, increment)
        ([10, 5], [12, 9], [2, 4]),
        // The second counter was reset (its exporter restarted): its new value is the increment.
        ([10, 5], [12, 2], [2, 2]),
        ([0, 0], [0, 0], [0, 0]),
        // A different number of counters: no increment at all (no data for this tick).
        ([10], [12, 3], []),
        ([], [12], []),
        ([10], [], []),
    ] as [([UInt64], [UInt64], [UInt64])])
    func increments(previous: [UInt64], current: [UInt64], increment: [UInt64]) {
        let inc = Self.arm(2_000, custom: current).increment(since: Self.arm(1_000, custom: previous))
        #expect(inc.custom == increment)
        #expect(inc.requests == 1_000)
    }

    @Test func aResetOfACustomCounterIsNotAResetOfTheRequests() {
        let inc = Self.arm(2_000, custom: [3]).increment(since: Self.arm(1_000, custom: [50]))
        #expect(inc.requests == 1_000 && inc.custom == [3])
    }

    @Test func aWholeArmRestartTakesEveryCurrentValue() {
        let inc = Self.arm(300, custom: [7, 1]).increment(since: Self.arm(1_000, custom: [50, 40]))
        #expect(inc.requests == 300 && inc.custom == [7, 1])
    }

    @Test func stepsAddCustomIncrements() {
        var step = ArmPair.zero
        step.merge(ArmPair(baseline: Self.arm(100, custom: [1]), candidate: Self.arm(10, custom: [2])))
        step.merge(ArmPair(baseline: Self.arm(100, custom: []), candidate: Self.arm(10, custom: [3])))
        #expect(step.baseline.custom == [1] && step.candidate.custom == [5])
    }

    @Test("a reset custom counter through ControlTick: no double counting, no false rollback")
    func resetThroughControlTick() {
        var guards = Guards(failureThreshold: 1)
        guards.custom = [CustomCounterIncrementTests.guardSpec]
        let policy = Fixture.policy(guards: guards)
        var state = JudgeState(lastSnapshot: ArmPair(baseline: Self.arm(10_000, custom: [100]),
                                                     candidate: Self.arm(1_000, custom: [10])))
        // The candidate's exporter restarted: its counter dropped from 10 to 2 while 1,000 requests came.
        let snapshot = ArmPair(baseline: Self.arm(19_000, custom: [190]), candidate: Self.arm(2_000, custom: [2]))
        let out = ControlTick.run(policy: policy, status: Fixture.status(.ramping, step: 1, stepStartedAt: 0),
                                  state: state, snapshot: snapshot, judge: ThresholdJudge(), now: 10 * Fixture.minute)
        // 2 bad of 1,000 candidate requests, 90 of 9,000 baseline ones: healthy, the step advances.
        #expect(out.verdict.evidence.value(.custom("json_parse"), .candidateRate) == 0.002)
        #expect(out.verdict.evidence.value(.custom("json_parse"), .baselineRate) == 0.01)
        #expect(out.verdict.action == .advance)
        state = out.judge
        #expect(state.lastSnapshot == snapshot)
    }

    static let guardSpec = CustomGuard(name: "json_parse", kind: .bad, counter: CounterRef(metric: "copy_parse_failures_total"),
                                       maxRatio: 2)

    @Test("a policy edit that changes the custom counters drops the snapshot and the step's counts",
          arguments: [("other counter", true), ("other kind", true), ("another limit only", false), ("same", false)])
    func policyEdit(edit: String, drops: Bool) throws {
        var old = Fixture.policy()
        old.guards.custom = [Self.guardSpec]
        var new = old
        switch edit {
        case "other counter": new.guards.custom[0].counter = CounterRef(metric: "copy_feedback_total")
        case "other kind": new.guards.custom[0].kind = .good
        case "another limit only": new.guards.custom[0].maxRatio = 3
        default: break
        }
        let judge = Fixture.someEvidence
        let t = try StateMachine.updatePolicy(from: old, to: new, newVersion: 2, status: Fixture.status(.ramping),
                                              judge: judge, now: 5_000)
        #expect((t.judge.lastSnapshot == nil) == drops)
        #expect((t.judge.step == .zero) == drops)
        #expect(t.status.step == 1 && t.status.stepStartedAt == 1_000)
    }
}
