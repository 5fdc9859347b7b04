import Testing
@testable import GlidepathCore

/// Arms renamed mid-migration: the first tick under the new names only takes a counter snapshot, so an
/// arm's old counters are never evidence (a candidate renamed alpha → beta → alpha used to be rolled
/// back on its first tick on alpha's earlier failures).
@Suite struct ArmRenameTests {
    /// Cumulative counters per arm name, as /metrics would show them, and the migration judged on them.
    struct World {
        var counters: [String: ArmCounts] = [:]
        var policy: Policy
        var status: MigrationStatus
        var state: JudgeState
        var now: Int64 = 0
        var verdicts: [Verdict] = []

        init(policy: Policy) {
            self.policy = policy
            let t = StateMachine.start(policy: policy, policyVersion: 1, now: 0)
            status = t.status
            state = t.judge
        }

        mutating func add(_ arm: String, requests: UInt64, errors: UInt64) {
            counters[arm, default: .zero] += Fixture.arm(requests, errors: errors)
        }

        mutating func tick() {
            now += 10_000
            let snapshot = ArmPair(baseline: counters[policy.baseline] ?? .zero,
                                   candidate: counters[policy.candidate] ?? .zero)
            let out = ControlTick.run(policy: policy, status: status, state: state, snapshot: snapshot,
                                      judge: policy.judge.makeJudge(), now: now)
            verdicts.append(out.verdict)
            state = out.judge
            if let t = out.transition { status = t.status }
        }

        /// Healthy traffic at the current weights (1 % errors on both arms), then a tick.
        mutating func healthyTick() {
            let w = UInt64(status.candidateWeight(policy).basisPoints)
            add(policy.baseline, requests: 1_000 * (10_000 - w) / 10_000, errors: 10 * (10_000 - w) / 10_000)
            add(policy.candidate, requests: 1_000 * w / 10_000, errors: 10 * w / 10_000)
            tick()
        }

        mutating func apply(candidate: String) throws {
            var new = policy
            new.candidate = candidate
            let t = try StateMachine.updatePolicy(from: policy, to: new, newVersion: status.policyVersion + 1,
                                                  status: status, judge: state, now: now)
            policy = new
            status = t.status
            state = t.judge
        }
    }

    static let policy = Fixture.policy(steps: [Fixture.step(10, bake: .minutes(30)), Fixture.step(100)],
                                       candidate: "alpha")

    @Test("alpha → beta → alpha: alpha's old failures are not evidence", arguments: [JudgeKind.sequential, .threshold])
    func renamedBackIgnoresOldCounters(_ judge: JudgeKind) throws {
        var w = World(policy: Self.policy.with(judge: judge))
        w.tick()
        #expect(w.verdicts.last?.rule == .snapshot)
        #expect(w.verdicts.last?.reason == "first tick for openai → alpha at step 0 (10%): counter snapshot taken; "
                + "evidence counts from the next tick")
        for _ in 0..<3 { w.healthyTick() }

        try w.apply(candidate: "beta")
        #expect(w.state.lastSnapshot == nil)
        // Meanwhile stale clients still send to alpha, and fail.
        w.add("alpha", requests: 2_000, errors: 1_500)
        w.tick()
        #expect(w.verdicts.last?.rule == .snapshot)
        for _ in 0..<3 { w.healthyTick() }

        try w.apply(candidate: "alpha")
        w.tick()
        #expect(w.verdicts.last?.rule == .snapshot)
        #expect(w.state.step == .zero)
        for _ in 0..<10 { w.healthyTick() }
        #expect(w.status.phase == .ramping)
        #expect(!w.verdicts.contains { $0.action == .rollback })
        // Only the ten healthy ticks since the snapshot count: 100 candidate requests each.
        #expect(w.state.step.candidate.requests == 1_000)
        #expect(w.state.step.candidate.errors == 10)
    }

    /// The first tick of a migration judges nothing either, whatever the counters already hold.
    @Test func theFirstTickOnlyTakesASnapshot() {
        var w = World(policy: Self.policy)
        w.add("openai", requests: 5_000, errors: 0)
        w.add("alpha", requests: 5_000, errors: 5_000)
        w.tick()
        #expect(w.status.phase == .ramping)
        #expect(w.verdicts == [Verdict(action: .hold, rule: .snapshot,
                                       reason: "first tick for openai → alpha at step 0 (10%): counter snapshot taken; "
                                           + "evidence counts from the next tick")])
        #expect(w.state.step == .zero)
        #expect(w.state.lastSnapshot?.candidate.requests == 5_000)
        #expect(w.state.lastVerdict == w.verdicts.last)
        // From the next tick the increments count: a candidate failing every request is rolled back.
        for _ in 0..<5 where w.status.phase == .ramping {
            w.add("openai", requests: 900, errors: 9)
            w.add("alpha", requests: 100, errors: 100)
            w.tick()
        }
        #expect(w.status.phase == .rolledBack)
    }
}
