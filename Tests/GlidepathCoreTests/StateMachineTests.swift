import Testing
@testable import GlidepathCore

/// Drives the state machine through events with a passed-in clock and checks every decision.
struct Harness {
    var policy: Policy
    var status: MigrationStatus
    var judge: JudgeState
    var decisions: [Decision]

    init(policy: Policy = Fixture.policy(), at now: Int64 = 0) {
        self.policy = policy
        let t = StateMachine.start(policy: policy, policyVersion: 1, now: now)
        status = t.status
        judge = t.judge
        decisions = [t.decision]
    }

    mutating func accept(_ t: Transition) {
        #expect(t.status.revision == status.revision + 1, "every transition bumps the revision by exactly one")
        #expect(t.decision.revision == t.status.revision)
        status = t.status
        judge = t.judge
        decisions.append(t.decision)
    }

    mutating func op(_ action: OperatorAction, reason: String? = nil, at now: Int64) throws(TransitionRefused) {
        accept(try StateMachine.apply(action, reason: reason, status: status, judge: judge, policy: policy, now: now))
    }

    /// Returns whether the verdict changed anything.
    @discardableResult
    mutating func verdict(_ action: Verdict.Action, _ reason: String = "judge says so", at now: Int64) -> Bool {
        let v = Verdict(action: action, rule: .healthy, reason: reason,
                        evidence: [GuardEvidence(guardName: .errors, test: .ratio, value: 1)])
        guard let t = StateMachine.judged(v, status: status, judge: judge, policy: policy, now: now) else { return false }
        #expect(t.decision.actor == .judge)
        #expect(t.decision.reason == reason)
        #expect(t.decision.evidence == v.evidence)
        accept(t)
        return true
    }

    var actions: [String] { decisions.map(\.action.rawValue) }
}

@Suite struct StateMachineTests {
    @Test func startIsStepZeroRampingRevisionOne() {
        let t = StateMachine.start(policy: Fixture.policy(), policyVersion: 1, now: 42)
        #expect(t.status == MigrationStatus(migration: "chat", policyVersion: 1, phase: .ramping, step: 0, revision: 1,
                                            stepStartedAt: 42, updatedAt: 42,
                                            reason: "migration created with policy version 1; starting at step 0 (5%)"))
        #expect(t.decision == Decision(at: 42, revision: 1, action: .created, fromStep: 0, toStep: 0,
                                       baseline: "openai", candidate: "holysheep",
                                       candidateWeight: Weight(basisPoints: 500), actor: .operator,
                                       reason: "migration created with policy version 1; starting at step 0 (5%)"))
        #expect(t.judge == .initial)
    }

    @Test func judgeAdvancesThroughEveryStepToPromoted() {
        var h = Harness()
        for (i, t) in [Int64(1000), 2000, 3000, 4000].enumerated() {
            do { let changed = h.verdict(.advance, at: t); #expect(changed) }
            #expect(h.status.step == i + 1)
            #expect(h.status.phase == .ramping)
            #expect(h.status.stepStartedAt == t)
        }
        do { let changed = h.verdict(.advance, "all good", at: 5000); #expect(changed) }
        #expect(h.status.phase == .promoted)
        #expect(h.status.step == 4)
        #expect(h.status.candidateWeight(h.policy) == .full)
        #expect(h.actions == ["created", "advance", "advance", "advance", "advance", "promote"])
        #expect(h.decisions.map(\.revision) == [1, 2, 3, 4, 5, 6])
        #expect(h.decisions.map(\.candidateWeight.basisPoints) == [500, 1000, 2500, 5000, 10000, 10000])
        #expect(h.decisions.last?.fromStep == 4 && h.decisions.last?.toStep == 4)
        do { let changed = h.verdict(.advance, at: 6000); #expect(!changed, "terminal: the judge changes nothing") }
        do { let changed = h.verdict(.rollback, at: 6000); #expect(!changed) }
    }

    @Test func holdChangesNothing() {
        var h = Harness()
        do { let changed = h.verdict(.hold, at: 1000); #expect(!changed) }
        #expect(h.status.revision == 1)
    }

    @Test func manualGateWaitsThenResumeOpensIt() throws {
        let policy = Fixture.policy(steps: [Fixture.step(5), Fixture.step(10), Fixture.step(25, gate: true),
                                            Fixture.step(100)])
        var h = Harness(policy: policy)
        h.verdict(.advance, at: 1000)
        h.judge = Fixture.someEvidence
        do { let changed = h.verdict(.advance, "healthy", at: 2000); #expect(changed) }
        #expect(h.status.phase == .waiting && h.status.step == 1)
        #expect(h.decisions.last?.action == .wait)
        #expect(h.status.stepStartedAt == 1000, "waiting is the same step: the clock carries on")
        #expect(h.judge == Fixture.someEvidence, "and so does its evidence")
        do { let changed = h.verdict(.advance, at: 3000); #expect(!changed, "the judge cannot open a gate") }
        try h.op(.resume, at: 4000)
        #expect(h.status.phase == .ramping && h.status.step == 2 && h.status.stepStartedAt == 4000)
        #expect(h.decisions.last?.reason == "operator opened the gate: moving to step 2 (25%)")
        #expect(h.decisions.last?.action == .advance)
        #expect(h.judge.step == .zero && h.judge.memory.failedChecks == 0)
        #expect(h.judge.lastSnapshot == Fixture.someEvidence.lastSnapshot, "the snapshot survives a step change")
        #expect(h.judge.lastTickAt == 900 && h.judge.lastDataAt == 800)
    }

    @Test func judgeMayRollBackWhileWaiting() {
        let policy = Fixture.policy(steps: [Fixture.step(5), Fixture.step(50, gate: true)])
        var h = Harness(policy: policy)
        h.verdict(.advance, at: 1000)
        #expect(h.status.phase == .waiting)
        do { let changed = h.verdict(.rollback, "candidate error rate 9.8%", at: 2000); #expect(changed) }
        #expect(h.status.phase == .rolledBack && h.status.candidateWeight(policy) == .zero)
        #expect(h.status.reason == "candidate error rate 9.8%")
        #expect(h.actions == ["created", "wait", "rollback"])
    }

    @Test func pauseFreezesAndResumeContinuesTheSameStep() throws {
        var h = Harness()
        h.verdict(.advance, at: 1000)
        try h.op(.pause, reason: "  provider incident \n", at: 2000)
        #expect(h.status.phase == .paused && h.status.step == 1 && h.status.stepStartedAt == 1000)
        #expect(h.status.reason == "operator paused at step 1 (10%): provider incident")
        do { let changed = h.verdict(.advance, at: 3000); #expect(!changed, "paused: the judge takes no action") }
        do { let changed = h.verdict(.rollback, at: 3000); #expect(!changed) }
        try h.op(.resume, reason: "", at: 4000)
        #expect(h.status.phase == .ramping && h.status.step == 1 && h.status.stepStartedAt == 1000)
        #expect(h.status.reason == "operator resumed at step 1 (10%)")
        #expect(h.actions == ["created", "advance", "pause", "resume"])
    }

    @Test func operatorAdvanceSkipsBakeGateAndPauseThenPromotes() throws {
        let policy = Fixture.policy(steps: [Fixture.step(5), Fixture.step(50, gate: true)])
        var h = Harness(policy: policy)
        try h.op(.pause, at: 500)
        try h.op(.advance, at: 1000)
        #expect(h.status.phase == .ramping && h.status.step == 1)
        #expect(h.status.reason == "operator advanced to step 1 (50%)")
        try h.op(.advance, at: 2000)
        #expect(h.status.phase == .promoted && h.status.step == 1)
        #expect(h.status.reason == "operator advanced to 100% (step 1 (50%) was the last step)")
        #expect(h.actions == ["created", "pause", "advance", "promote"])
    }

    @Test func rollbackThenRestartStartsOver() throws {
        var h = Harness()
        h.verdict(.advance, at: 1000)
        try h.op(.rollback, reason: "bad outputs", at: 2000)
        #expect(h.status.phase == .rolledBack && h.status.stepStartedAt == 2000)
        #expect(h.status.reason == "operator rolled back to 0% from step 1 (10%): bad outputs")
        h.judge = Fixture.someEvidence
        try h.op(.restart, at: 3000)
        #expect(h.status.phase == .ramping && h.status.step == 0 && h.status.stepStartedAt == 3000)
        #expect(h.status.reason == "operator restarted at step 0 (5%)")
        #expect(h.judge.step == .zero && h.judge.memory == JudgeMemory())
        try h.op(.promote, at: 4000)
        #expect(h.status.phase == .promoted)
        #expect(h.status.reason == "operator promoted to 100% from step 0 (5%)")
        #expect(h.actions == ["created", "advance", "rollback", "restart", "promote"])
        #expect(h.decisions.map(\.revision) == [1, 2, 3, 4, 5])
        #expect(h.decisions.allSatisfy { $0.baseline == "openai" && $0.candidate == "holysheep" })
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var phase: Phase
        var action: OperatorAction
        var message: String
        var testDescription: String { "\(action) while \(phase)" }
    }

    static let over = " (restart starts it over)"
    static let refusals: [Refusal] = [
        .init(phase: .ramping, action: .resume, message: "cannot resume \"chat\": it is ramping, not paused or waiting"),
        .init(phase: .paused, action: .pause, message: "cannot pause \"chat\": it is already paused"),
        .init(phase: .promoted, action: .pause,
              message: "cannot pause \"chat\": it is promoted, not ramping or waiting" + over),
        .init(phase: .rolledBack, action: .pause,
              message: "cannot pause \"chat\": it is rolled_back, not ramping or waiting" + over),
        .init(phase: .promoted, action: .resume,
              message: "cannot resume \"chat\": it is promoted, not paused or waiting" + over),
        .init(phase: .rolledBack, action: .resume,
              message: "cannot resume \"chat\": it is rolled_back, not paused or waiting" + over),
        .init(phase: .promoted, action: .advance,
              message: "cannot advance \"chat\": it is promoted, not ramping, waiting or paused" + over),
        .init(phase: .rolledBack, action: .advance,
              message: "cannot advance \"chat\": it is rolled_back, not ramping, waiting or paused" + over),
        .init(phase: .promoted, action: .promote, message: "cannot promote \"chat\": it is already promoted"),
        .init(phase: .rolledBack, action: .promote,
              message: "cannot promote \"chat\": it is rolled_back, not ramping, waiting or paused" + over),
        .init(phase: .promoted, action: .rollback,
              message: "cannot roll back \"chat\": it is promoted, not ramping, waiting or paused" + over),
        .init(phase: .rolledBack, action: .rollback, message: "cannot roll back \"chat\": it is already rolled_back"),
        .init(phase: .ramping, action: .restart,
              message: "cannot restart \"chat\": it is ramping, not promoted or rolled_back"),
        .init(phase: .waiting, action: .restart,
              message: "cannot restart \"chat\": it is waiting, not promoted or rolled_back"),
        .init(phase: .paused, action: .restart,
              message: "cannot restart \"chat\": it is paused, not promoted or rolled_back"),
        .init(phase: .promoted, action: .back,
              message: "cannot go back on \"chat\": it is promoted, not ramping, waiting or paused" + over),
        .init(phase: .rolledBack, action: .back,
              message: "cannot go back on \"chat\": it is rolled_back, not ramping, waiting or paused" + over),
        .init(phase: .promoted, action: .setWeight,
              message: "cannot set-weight \"chat\": it is promoted, not ramping, waiting or paused" + over),
        .init(phase: .rolledBack, action: .setWeight,
              message: "cannot set-weight \"chat\": it is rolled_back, not ramping, waiting or paused" + over),
    ]

    @Test(arguments: refusals)
    func nonsensicalActionIsRefused(_ r: Refusal) {
        #expect(throws: TransitionRefused(action: r.action, phase: r.phase, message: r.message)) {
            try StateMachine.apply(r.action, reason: "why not", weight: Weight(basisPoints: 1), status: Fixture.status(r.phase),
                                   judge: .initial, policy: Fixture.policy(), now: 5000)
        }
    }

    @Test func everyActionIsAllowedSomewhere() throws {
        for action in OperatorAction.allCases {
            let allowed = Phase.allCases.filter { phase in
                (try? StateMachine.apply(action, reason: nil, weight: Weight(basisPoints: 1), status: Fixture.status(phase),
                                         judge: .initial,
                                         policy: Fixture.policy(), now: 5000)) != nil
            }
            let refused = Self.refusals.filter { $0.action == action }.map(\.phase)
            #expect(Set(allowed).isDisjoint(with: refused))
            #expect(allowed.count + refused.count == Phase.allCases.count, "\(action): every phase is covered")
        }
    }
}
