import Testing
@testable import GlidepathCore

/// Shadow steps (issue 11 item 2): `weight: 0` with `mirror`, mirrors next to a live weight, `mirror=1`
/// observation lines, and the judge on mirrored evidence.
@Suite struct MirrorStepTests {
    static func steps(_ json: String) -> String { PolicyFixtures.policy([("steps", json)]) }

    @Test("mirror steps parse and render back", arguments: [
        (#"[{"weight": 0, "mirror": 100, "bake": "24h"}, {"weight": 5}, {"weight": 100}]"#, [(0, 10_000), (500, 0), (10_000, 0)]),
        (#"[{"weight": 0, "mirror": 12.5}, {"weight": 10, "mirror": 50}, {"weight": 100}]"#, [(0, 1250), (1000, 5000), (10_000, 0)]),
        (#"[{"weight": 0.0, "mirror": 1e2}, {"weight": 100}]"#, [(0, 10_000), (10_000, 0)]),
        (#"[{"weight": 5, "mirror": null}, {"weight": 100}]"#, [(500, 0), (10_000, 0)]),
    ])
    func parses(_ json: String, _ expected: [(Int, Int)]) throws {
        let policy = try PolicyParser.parse(Self.steps(json)).get()
        #expect(policy.steps.map(\.weight.basisPoints) == expected.map(\.0))
        #expect(policy.steps.map(\.mirror.basisPoints) == expected.map(\.1))
        let again = try PolicyParser.parse(PolicyParser.render(policy).rendered()).get()
        #expect(again == policy)
    }

    @Test func renderingWritesMirrorOnlyWhenSet() throws {
        let policy = try PolicyParser.parse(Self.steps(#"[{"weight": 0, "mirror": 100, "bake": "1h"}, {"weight": 100}]"#)).get()
        let steps = PolicyParser.render(policy).rendered()
        #expect(steps.contains(#""steps":[{"weight":0,"mirror":100,"bake":"1h"},{"weight":100,"bake":"0s"}]"#))
    }

    @Test("each mirror mistake yields exactly its one problem", arguments: [
        PolicyCase([("steps", #"[{"weight": 0}, {"weight": 100}]"#)], "steps[0].weight",
                   #"must be greater than 0 and at most 100, found 0 (0 is allowed only on a shadow step, with "mirror" > 0)"#),
        PolicyCase([("steps", #"[{"weight": 0, "mirror": 0}, {"weight": 100}]"#)], "steps[0].mirror",
                   "must be greater than 0 and at most 100, found 0"),
        PolicyCase([("steps", #"[{"weight": 0, "mirror": 101}, {"weight": 100}]"#)], "steps[0].mirror",
                   "must be greater than 0 and at most 100, found 101"),
        PolicyCase([("steps", #"[{"weight": 0, "mirror": -5}, {"weight": 100}]"#)], "steps[0].mirror",
                   "must be greater than 0 and at most 100, found -5"),
        PolicyCase([("steps", #"[{"weight": 0, "mirror": 0.125}, {"weight": 100}]"#)], "steps[0].mirror",
                   "must have at most two decimals, found 0.125"),
        PolicyCase([("steps", #"[{"weight": 0, "mirror": "100"}, {"weight": 100}]"#)], "steps[0].mirror",
                   "expected a number, found string"),
        PolicyCase([("steps", #"[{"weight": 10, "mirror": 10}, {"weight": 100}]"#)], "steps[0].mirror",
                   "must be greater than the step's weight 10 (buckets below the weight are already served by the candidate), found 10"),
        PolicyCase([("steps", #"[{"weight": 100, "mirror": 50}]"#)], "steps[0].mirror",
                   "must be greater than the step's weight 100 (buckets below the weight are already served by the candidate), found 50"),
        PolicyCase([("steps", #"[{"weight": 0, "mirror": 10}, {"weight": 0, "mirror": 100}, {"weight": 100}]"#)],
                   "steps[1].weight", "must be greater than the previous step's weight 0, found 0"),
        PolicyCase([("steps", #"[{"weight": -0, "mirror": 10}, {"weight": 100}]"#)], "steps[0].weight",
                   "must be greater than 0 and at most 100, found -0"),
    ])
    func rejects(_ row: PolicyCase) {
        let problems = PolicyFixtures.problems(row.source)
        #expect(problems.map(\.path) == [row.path])
        #expect(problems.map(\.message) == [row.message])
    }

    static let shadow = Fixture.policy(steps: [Step(weight: .zero, bake: .minutes(2), mirror: .full),
                                               Fixture.step(5, bake: .minutes(2)), Fixture.step(100, bake: .minutes(2))])

    @Test func theMirrorIsServedOnlyWhileTheMigrationIsLive() {
        for phase in Phase.allCases {
            let status = Fixture.status(phase, step: 0)
            let live = phase == .ramping || phase == .waiting || phase == .paused
            #expect(status.mirror(Self.shadow) == (live ? .full : .zero))
            #expect(status.candidateWeight(Self.shadow) == (phase == .promoted ? .full : .zero))
        }
        #expect(Fixture.status(.ramping, step: 1).mirror(Self.shadow) == .zero)
        #expect(ReasonFormat.step(0, Self.shadow) == "step 0 (0%, shadow 100%)")
        #expect(ReasonFormat.step(1, Self.shadow) == "step 1 (5%)")
    }

    @Test("the rollback alpha of a shadow step is split by its mirror, not its zero weight")
    func alphaSplit() throws {
        for judge in JudgeKind.allCases {
            let policy = Self.shadow.with(judge: judge)
            let a0 = try #require(SequentialJudge.rollbackAlpha(policy, step: 0))
            let a1 = try #require(SequentialJudge.rollbackAlpha(policy, step: 1))
            // 1/100 % and 1/5 %: 1 : 20 of alpha 0.01.
            #expect(abs(a0 - 0.01 / 21) < 1e-12 && abs(a1 - 0.01 * 20 / 21) < 1e-12)
        }
    }

    @Test("a failing shadow is rolled back at weight 0: the users never saw the candidate", arguments: JudgeKind.allCases)
    func failingShadowRollsBack(_ judge: JudgeKind) throws {
        var loop = SeqLoop(policy: Self.shadow.with(judge: judge))
        loop.run(limit: 60, perTick: 1_000, candidateErrors: 0.3)
        #expect(loop.status.phase == .rolledBack)
        #expect(loop.status.step == 0)
        #expect(loop.transitions.map(\.decision.action) == [.rollback])
        #expect(loop.transitions.allSatisfy { $0.decision.candidateWeight == .zero })
        #expect(loop.status.mirror(loop.policy) == .zero)  // mirroring stops
        #expect(loop.verdicts.last?.rule == (judge == .sequential ? .errorEvidence : .errorRatio))
    }

    @Test("a healthy shadow advances to the live step after its bake", arguments: JudgeKind.allCases)
    func healthyShadowAdvances(_ judge: JudgeKind) throws {
        var loop = SeqLoop(policy: Self.shadow.with(judge: judge))
        for _ in 0..<200 where loop.status.step == 0 && !loop.status.phase.isTerminal {
            loop.tick(perTick: 1_000)
        }
        #expect(loop.status.phase == .ramping)
        #expect(loop.status.step == 1)
        #expect(loop.status.candidateWeight(loop.policy) == Weight(basisPoints: 500))
        #expect(loop.status.mirror(loop.policy) == .zero)
        #expect(loop.transitions.first?.decision.action == .advance)
        #expect(loop.now >= 120_000)  // not before the bake
        #expect(loop.transitions.first?.decision.reason.contains("candidate") == true)
    }

    @Test func mirrorLinesAreCandidateEvidenceAndCounted() throws {
        let body = Array("b 200 10 mirror=1\nb 500 20 tokens=3 mirror=1 ttft_ms=5\na 200 10\nb 200 12\n".utf8)
        let batch = try ObservationParser.parse(body, baseline: "a", candidate: "b", classifier: .standard)
        #expect(batch.lines == 4)
        #expect(batch.mirrored == 2)
        #expect(batch.arms.candidate.requests == 3)
        #expect(batch.arms.candidate.errors == 1)
        #expect(batch.arms.candidate.tokens == 3)
        #expect(batch.arms.baseline.requests == 1)
    }

    @Test("bad mirror fields are refused", arguments: [
        ("a 200 10 mirror=1", 1, #"mirror=1 on the baseline "a": a mirrored copy is always sent to the candidate"#),
        ("b 200 10 mirror=0", 1, #"mirror "0" must be 1"#),
        ("b 200 10 mirror=true", 1, #"mirror "true" must be 1"#),
        ("b 200 10 mirror=", 1, #"mirror "" must be 1"#),
        ("b 200 10\nb 200 10 mirror=1 mirror=1", 2, #"duplicate field "mirror""#),
        ("b 200 10 mirrored=1", 1, #"unknown field "mirrored" (expected tokens, ttft_ms, forced or mirror)"#),
    ])
    func refused(_ body: String, _ line: Int, _ message: String) {
        #expect(throws: ObservationError(line: line, message: message, reason: "bad_field")) {
            try ObservationParser.parse(Array(body.utf8), baseline: "a", candidate: "b", classifier: .standard)
        }
    }

    @Test func editingTheMirrorOfTheShadowStepKeepsItsEvidenceAndMovesTheDocument() throws {
        var loop = SeqLoop(policy: Self.shadow)
        for _ in 0..<5 { loop.tick(perTick: 1_000) }
        var edited = Self.shadow
        edited.steps[0].mirror = Weight(basisPoints: 5_000)
        let t = try StateMachine.updatePolicy(from: Self.shadow, to: edited, newVersion: 2, status: loop.status,
                                              judge: loop.state, now: loop.now)
        #expect(t.status.step == 0 && t.status.phase == .ramping)
        #expect(t.status.revision == loop.status.revision + 1)  // shims see the new mirror
        #expect(t.status.stepStartedAt == loop.status.stepStartedAt)  // the bake and evidence carry on
        #expect(t.status.mirror(edited) == Weight(basisPoints: 5_000))
        #expect(t.decision.reason == "policy version 2 applied; staying at step 0 (0%, shadow 50%)")
    }

    @Test func droppingTheShadowStepIsRefused() throws {
        let loop = SeqLoop(policy: Self.shadow)
        var live = Self.shadow
        live.steps.removeFirst()
        #expect(throws: PolicyEditRefused.self) {
            try StateMachine.updatePolicy(from: Self.shadow, to: live, newVersion: 2, status: loop.status,
                                          judge: loop.state, now: loop.now)
        }
    }

}
