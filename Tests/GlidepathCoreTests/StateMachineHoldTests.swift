import Testing
@testable import GlidepathCore

/// `set-weight` (an operator hold below the step's weight) and `back` (one step down).
@Suite struct StateMachineHoldTests {
    /// A migration at `step` (5/10/25/50/100 %) in `phase`, revision 7, its step begun at t = 1000.
    static func status(step: Int, phase: Phase, held: Int? = nil) -> MigrationStatus {
        var s = MigrationStatus(migration: "chat", policyVersion: 1, phase: phase, step: step, revision: 7,
                                stepStartedAt: 1_000, updatedAt: 1_000, reason: "")
        s.heldWeight = held.map { Weight(basisPoints: $0) }
        return s
    }

    static func apply(_ action: OperatorAction, _ status: MigrationStatus, weight: Int? = nil,
                      reason: String? = nil) throws(TransitionRefused) -> Transition {
        try StateMachine.apply(action, reason: reason, weight: weight.map { Weight(basisPoints: $0) },
                               status: status, judge: .initial, policy: Fixture.policy(), now: 9_000)
    }

    @Test("set-weight holds the candidate below the step's weight, paused, same step and bake clock", arguments: [
        (3, Phase.ramping, 1_250, "operator held the candidate at 12.5% at step 3 (50%); resume returns to 50%: provider incident"),
        (3, .waiting, 0, "operator held the candidate at 0% at step 3 (50%); resume returns to 50%: provider incident"),
        (1, .paused, 999, "operator held the candidate at 9.99% at step 1 (10%); resume returns to 10%: provider incident"),
    ])
    func setWeightHolds(step: Int, phase: Phase, bp: Int, reason: String) throws {
        let t = try Self.apply(.setWeight, Self.status(step: step, phase: phase), weight: bp, reason: " provider incident ")
        #expect(t.status.phase == .paused)
        #expect(t.status.step == step)
        #expect(t.status.heldWeight == Weight(basisPoints: bp))
        #expect(t.status.candidateWeight(Fixture.policy()) == Weight(basisPoints: bp))
        #expect(t.status.stepStartedAt == 1_000, "the bake clock carries on")
        #expect(t.status.revision == 8)
        #expect(t.status.reason == reason)
        #expect(t.decision.action == .setWeight)
        #expect(t.decision.actor == .operator)
        #expect(t.decision.candidateWeight == Weight(basisPoints: bp))
        #expect(t.decision.fromStep == step && t.decision.toStep == step)
    }

    @Test("set-weight is refused (409) where it makes no sense", arguments: [
        (3, Phase.ramping, Optional(5_000), "cannot set the weight of \"chat\" to 50%: an operator hold must be below the current step 3 (50%) and at least 0% (advance or promote raise it)"),
        (0, .ramping, 600, "cannot set the weight of \"chat\" to 6%: an operator hold must be below the current step 0 (5%) and at least 0% (advance or promote raise it)"),
        (3, .ramping, 10_000, "cannot set the weight of \"chat\" to 100%: an operator hold must be below the current step 3 (50%) and at least 0% (advance or promote raise it)"),
        (3, .ramping, nil, "set-weight needs a weight (a percentage below the current step's)"),
        (4, .promoted, 100, "cannot set-weight \"chat\": it is promoted, not ramping, waiting or paused (restart starts it over)"),
        (2, .rolledBack, 100, "cannot set-weight \"chat\": it is rolled_back, not ramping, waiting or paused (restart starts it over)"),
    ])
    func setWeightRefused(step: Int, phase: Phase, bp: Int?, message: String) {
        #expect(throws: TransitionRefused(action: .setWeight, phase: phase, message: message)) {
            try Self.apply(.setWeight, Self.status(step: step, phase: phase), weight: bp)
        }
    }

    @Test func setWeightTwiceAtTheSameWeightIsRefused() throws {
        let s = Self.status(step: 3, phase: .paused, held: 1_000)
        #expect(throws: TransitionRefused(action: .setWeight, phase: .paused,
                                          message: "cannot set the weight of \"chat\": it is already held at 10%")) {
            try Self.apply(.setWeight, s, weight: 1_000)
        }
        let lower = try Self.apply(.setWeight, s, weight: 500)
        #expect(lower.status.heldWeight == Weight(basisPoints: 500))
    }

    @Test("every way out of the hold drops it", arguments: [
        (OperatorAction.resume, Phase.ramping, 3, 5_000, "operator resumed at step 3 (50%) (from the held 10%)"),
        (.advance, .ramping, 4, 10_000, "operator advanced to step 4 (100%)"),
        (.back, .ramping, 2, 2_500, "operator went back from step 3 (50%) to step 2 (25%)"),
        (.rollback, .rolledBack, 3, 0, "operator rolled back to 0% from step 3 (50%)"),
        (.promote, .promoted, 3, 10_000, "operator promoted to 100% from step 3 (50%)"),
    ])
    func leavingTheHold(action: OperatorAction, phase: Phase, step: Int, bp: Int, reason: String) throws {
        let t = try Self.apply(action, Self.status(step: 3, phase: .paused, held: 1_000))
        #expect(t.status.phase == phase)
        #expect(t.status.step == step)
        #expect(t.status.heldWeight == nil)
        #expect(t.status.candidateWeight(Fixture.policy()) == Weight(basisPoints: bp))
        #expect(t.decision.candidateWeight == Weight(basisPoints: bp))
        #expect(t.status.reason == reason)
    }

    @Test("back: one step down, ramping, bake starting over", arguments: [
        (Phase.ramping, 3, 2), (.waiting, 1, 0), (.paused, 4, 3),
    ])
    func backGoesOneStepDown(phase: Phase, from: Int, to: Int) throws {
        let t = try Self.apply(.back, Self.status(step: from, phase: phase), reason: "latency creeping up")
        #expect(t.status.phase == .ramping)
        #expect(t.status.step == to)
        #expect(t.status.stepStartedAt == 9_000)
        #expect(t.decision.action == .back)
        #expect(t.decision.fromStep == from && t.decision.toStep == to)
        #expect(t.decision.candidateWeight == Fixture.policy().steps[to].weight)
        #expect(t.status.reason.hasSuffix(": latency creeping up"))
    }

    @Test("back is refused (409) at step 0 and in a terminal phase", arguments: [
        (0, Phase.ramping, "cannot go back on \"chat\": it is at step 0 (5%), the first step (rollback goes to 0%)"),
        (0, .paused, "cannot go back on \"chat\": it is at step 0 (5%), the first step (rollback goes to 0%)"),
        (4, .promoted, "cannot go back on \"chat\": it is promoted, not ramping, waiting or paused (restart starts it over)"),
        (2, .rolledBack, "cannot go back on \"chat\": it is rolled_back, not ramping, waiting or paused (restart starts it over)"),
    ])
    func backRefused(step: Int, phase: Phase, message: String) {
        #expect(throws: TransitionRefused(action: .back, phase: phase, message: message)) {
            try Self.apply(.back, Self.status(step: step, phase: phase))
        }
    }

    @Test func pauseOnAHoldIsAlreadyPausedAndTheJudgeTakesNoAction() {
        let s = Self.status(step: 3, phase: .paused, held: 1_000)
        #expect(throws: TransitionRefused.self) { try Self.apply(.pause, s) }
        let v = Verdict(action: .rollback, rule: .healthy, reason: "bad")
        #expect(StateMachine.judged(v, status: s, judge: .initial, policy: Fixture.policy(), now: 9_000) == nil)
    }

    @Test("a policy edit never raises a held weight", arguments: [
        // New steps, the resulting step and weight: the highest step at or below the held 10 %.
        ([5, 10, 50, 100], 1, 1_000), ([5, 25, 50, 100], 0, 500), ([10, 20, 100], 0, 1_000),
    ])
    func policyEditUnderAHold(steps: [Int], step: Int, bp: Int) throws {
        let new = Fixture.policy(steps: steps.map { Fixture.step($0) })
        let t = try StateMachine.updatePolicy(from: Fixture.policy(), to: new, newVersion: 2,
                                              status: Self.status(step: 3, phase: .paused, held: 1_000),
                                              judge: .initial, now: 9_000)
        #expect(t.status.phase == .paused)
        #expect(t.status.step == step)
        #expect(t.status.heldWeight == nil)
        #expect(t.status.candidateWeight(new) == Weight(basisPoints: bp))
    }
}
