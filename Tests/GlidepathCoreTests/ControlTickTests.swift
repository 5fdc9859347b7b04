import Testing
@testable import GlidepathCore

/// A control loop on a passed-in clock: cumulative counters grow by the given increments each tick.
struct Loop {
    var policy: Policy
    var status: MigrationStatus
    var state: JudgeState
    var snapshot = ArmPair.zero
    var decisions: [Decision]
    var last: TickOutcome?

    init(policy: Policy) {
        self.policy = policy
        let t = StateMachine.start(policy: policy, policyVersion: 1, now: 0)
        status = t.status
        state = t.judge
        state.lastSnapshot = snapshot  // the counters start at zero, and the loop has seen them
        decisions = [t.decision]
    }

    mutating func tick(at now: Int64, adding increment: ArmPair) {
        snapshot += increment
        let out = ControlTick.run(policy: policy, status: status, state: state, snapshot: snapshot,
                                  judge: ThresholdJudge(), now: now)
        if status.phase.isTerminal {
            #expect(out.judge.lastVerdict == state.lastVerdict)  // the verdict that ended it stays
        } else {
            #expect(out.judge.lastVerdict == out.verdict)
        }
        #expect(out.judge.lastSnapshot == snapshot)
        #expect(out.judge.lastTickAt == now)
        if let t = out.transition {
            #expect(t.status.revision == status.revision + 1)
            #expect(out.judge == t.judge)
            status = t.status
            decisions.append(t.decision)
        }
        state = out.judge
        last = out
    }

    /// Ticks every `every` ms from `every` through `until`.
    mutating func run(every: Int64, until: Int64, adding increment: ArmPair) {
        var now = every
        while now <= until {
            tick(at: now, adding: increment)
            now += every
        }
    }
}

@Suite struct ControlTickTests {
    static let steps = [Fixture.step(10, bake: .minutes(1)), Fixture.step(50, bake: .minutes(1)),
                        Fixture.step(100, bake: .minutes(1))]
    static let healthyTick = ArmPair(baseline: Fixture.arm(100, errors: 1), candidate: Fixture.arm(100, errors: 1))

    @Test func healthyCandidateIsPromotedOverTicks() {
        var loop = Loop(policy: Fixture.policy(steps: Self.steps))
        loop.run(every: 10_000, until: 300_000, adding: Self.healthyTick)
        #expect(loop.decisions.map(\.action) == [.created, .advance, .advance, .promote])
        #expect(loop.decisions.map(\.at) == [0, 60_000, 120_000, 180_000])
        #expect(loop.decisions.map(\.revision) == [1, 2, 3, 4])
        #expect(loop.decisions.dropFirst().allSatisfy { $0.actor == .judge })
        #expect(loop.decisions[1].reason == "checks pass after 600 candidate and 600 baseline requests (candidate error "
                + "rate 1.0% vs baseline 1.0%, p99 100 ms vs 100 ms); the 1m bake at step 0 (10%) is done")
        #expect(loop.status.phase == .promoted)
        #expect(loop.last?.verdict == Verdict(action: .hold, rule: .terminal,
                                              reason: "the migration is promoted; nothing to judge"))
    }

    @Test func stepEvidenceRestartsAtEachStep() {
        var loop = Loop(policy: Fixture.policy(steps: Self.steps))
        loop.run(every: 10_000, until: 50_000, adding: Self.healthyTick)
        #expect(loop.state.step.candidate.requests == 500)
        #expect(loop.last?.verdict.rule == .bake)
        loop.tick(at: 60_000, adding: Self.healthyTick)
        #expect(loop.status.step == 1)
        #expect(loop.state.step == .zero)
        #expect(loop.state.lastSnapshot?.candidate.requests == 600)
        loop.tick(at: 70_000, adding: Self.healthyTick)
        #expect(loop.state.step.candidate.requests == 100)
    }

    @Test func failingCandidateIsRolledBackOnTheThirdTick() {
        var loop = Loop(policy: Fixture.policy(steps: Self.steps))
        let bad = ArmPair(baseline: Fixture.arm(100, errors: 1), candidate: Fixture.arm(100, errors: 20))
        loop.run(every: 10_000, until: 60_000, adding: bad)
        #expect(loop.decisions.map(\.action) == [.created, .rollback])
        let rollback = loop.decisions[1]
        #expect(rollback.at == 30_000)
        #expect(rollback.candidateWeight == .zero)
        #expect(rollback.reason == "candidate error rate 20.0% vs baseline 1.0% (limit 2.0× or +1.0 pt): 3 consecutive "
                + "failed checks after 300 candidate requests")
        #expect(rollback.evidence.contains(GuardEvidence(guardName: .checks, test: .failedChecks, value: 3)))
        #expect(loop.status.phase == .rolledBack)
    }

    @Test func maxHoldWithRollbackRollsBackAStuckStep() {
        var loop = Loop(policy: Fixture.policy(steps: Self.steps, maxHold: .minutes(5), onStuck: .rollback))
        loop.run(every: 60_000, until: 240_000, adding: .zero)
        #expect(loop.last?.verdict.rule == .noData)
        loop.tick(at: 300_000, adding: .zero)
        #expect(loop.last?.verdict.action == .rollback)
        #expect(loop.last?.verdict.rule == .maxHold)
        #expect(loop.decisions.map(\.action) == [.created, .rollback])
        #expect(loop.status.reason == "step 0 (10%) held for 5m without a decision (max hold 5m), rolling back; last "
                + "check: no requests on either arm since step 0 (10%) began; no data never advances or rolls back")
    }

    @Test func maxHoldWithHoldOnlySaysStuck() {
        var loop = Loop(policy: Fixture.policy(steps: Self.steps, maxHold: .minutes(5), onStuck: .hold))
        loop.run(every: 60_000, until: 360_000, adding: .zero)
        #expect(loop.decisions.map(\.action) == [.created])
        #expect(loop.status.phase == .ramping)
        #expect(loop.last?.verdict.action == .hold)
        #expect(loop.last?.verdict.rule == .stuck)
        #expect(loop.last?.verdict.reason == "step 0 (10%) held for 6m without a decision (max hold 5m), still holding; "
                + "last check: no requests on either arm since step 0 (10%) began; no data never advances or rolls back")
    }

    @Test func counterResetCountsTheNewValue() {
        let policy = Fixture.policy(steps: Self.steps)
        let status = Fixture.status(.ramping, step: 0, stepStartedAt: 0)
        let first = ArmPair(baseline: Fixture.arm(1_000, errors: 10), candidate: Fixture.arm(100, errors: 1))
        let a = ControlTick.run(policy: policy, status: status, state: JudgeState(lastSnapshot: .zero), snapshot: first,
                                judge: ThresholdJudge(), now: 10_000)
        #expect(a.judge.step == first, "from a zero snapshot everything is new")
        #expect(a.judge.lastDataAt == 10_000 && a.judge.lastCandidateAt == 10_000)
        let restarted = ArmPair(baseline: Fixture.arm(1_050, errors: 10), candidate: Fixture.arm(30, errors: 0))
        let b = ControlTick.run(policy: policy, status: status, state: a.judge, snapshot: restarted,
                                judge: ThresholdJudge(), now: 20_000)
        #expect(b.judge.step.baseline.requests == 1_050)
        #expect(b.judge.step.candidate.requests == 130, "the candidate's source restarted: 30 new requests")
        #expect(b.judge.step.candidate.errors == 1)
        let c = ControlTick.run(policy: policy, status: status, state: b.judge, snapshot: restarted,
                                judge: ThresholdJudge(), now: 30_000)
        #expect(c.judge.step == b.judge.step)
        #expect(c.judge.lastDataAt == 20_000, "no new request: lastDataAt stays")
        #expect(c.judge.lastCandidateAt == 20_000)
        let baselineOnly = ArmPair(baseline: Fixture.arm(1_100, errors: 10), candidate: Fixture.arm(30, errors: 0))
        let d = ControlTick.run(policy: policy, status: status, state: c.judge, snapshot: baselineOnly,
                                judge: ThresholdJudge(), now: 40_000)
        #expect(d.judge.lastDataAt == 40_000 && d.judge.lastCandidateAt == 20_000, "only the baseline saw requests")
    }

    @Test func pausedJudgesButTakesNoAction() {
        let policy = Fixture.policy(steps: Self.steps)
        let status = Fixture.status(.paused, step: 0, stepStartedAt: 0)
        let bad = ArmPair(baseline: Fixture.arm(1_000, errors: 10), candidate: Fixture.arm(1_000, errors: 200))
        let out = ControlTick.run(policy: policy, status: status,
                                  state: JudgeState(lastSnapshot: .zero, memory: JudgeMemory(failedChecks: 5)),
                                  snapshot: bad, judge: ThresholdJudge(), now: 600_000)
        #expect(out.transition == nil)
        #expect(out.verdict.action == .hold)
        #expect(out.verdict.rule == .paused)
        #expect(out.verdict.reason == "paused by an operator; the judge would roll back: candidate error rate 20.0% vs "
                + "baseline 1.0% (limit 2.0× or +1.0 pt): 6 consecutive failed checks after 1,000 candidate requests")
        #expect(out.judge.memory.failedChecks == 6)
    }

    @Test func waitingStaysAtTheGateWhenHealthy() {
        let policy = Fixture.policy(steps: [Fixture.step(10, bake: .zero), Fixture.step(50, gate: true)])
        let status = Fixture.status(.waiting, step: 0, stepStartedAt: 0)
        let out = ControlTick.run(policy: policy, status: status, state: JudgeState(lastSnapshot: .zero),
                                  snapshot: Self.healthyTick, judge: ThresholdJudge(), now: 600_000)
        #expect(out.transition == nil)
        #expect(out.verdict.rule == .healthy)
    }

    @Test func terminalIsNotJudged() {
        let out = ControlTick.run(policy: Fixture.policy(), status: Fixture.status(.rolledBack),
                                  state: JudgeState(lastSnapshot: .zero), snapshot: Self.healthyTick,
                                  judge: ThresholdJudge(), now: 1)
        #expect(out.verdict == Verdict(action: .hold, rule: .terminal, reason: "the migration is rolled back; nothing to judge"))
        #expect(out.judge.step == Self.healthyTick)
        #expect(out.judge.lastSnapshot == Self.healthyTick)
        #expect(out.transition == nil)
    }

    @Test func terminalKeepsTheVerdictThatEndedIt() {
        var state = JudgeState.initial
        state.lastVerdict = Verdict(action: .rollback, rule: .errorRatio, reason: "candidate failed")
        let out = ControlTick.run(policy: Fixture.policy(), status: Fixture.status(.rolledBack), state: state,
                                  snapshot: Self.healthyTick, judge: ThresholdJudge(), now: 1)
        #expect(out.judge.lastVerdict?.rule == .errorRatio)
    }
}
