import Testing
@testable import GlidepathCore

/// Every row of the README's table "Editing a policy": a policy edit never raises the traffic an arm
/// gets, and never restarts a finished migration.
@Suite struct StateMachinePolicyTests {
    enum Expected: Sendable {
        /// Applied: the phase and step after, whether the step's clock and evidence carry on, the reason.
        case applied(Phase, step: Int, keepsStep: Bool, reason: String)
        case refused(PolicyEditRefused.Cause, message: String)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var phase: Phase
        var newSteps: [Int] = [5, 10, 25, 50, 100]
        var baseline = "openai"
        var candidate = "holysheep"
        var expected: Expected
        var testDescription: String { "\(phase.rawValue), \(name)" }
        var renamed: Bool { baseline != "openai" || candidate != "holysheep" }
    }

    static let renamedArms = "arms changed (openai → holysheep is now openai → anthropic)"
    static let tooHigh = "cannot apply policy version 2 to \"chat\": every step is above the candidate's current 10% "
        + "(the lowest is 20%), and editing a policy never raises the candidate's weight; add a step at or below 10%, "
        + "or roll the migration back, apply this policy and restart it"

    /// The migration is at step 1 (10 %) of openai → holysheep over 5/10/25/50/100 %.
    static let cases: [Case] = [Phase.ramping, .waiting, .paused].flatMap { phase -> [Case] in
        let moved: Phase = phase == .waiting ? .ramping : phase
        return [
            Case(name: "same step and weight", phase: phase,
                 expected: .applied(phase, step: 1, keepsStep: true, reason: "policy version 2 applied; staying at step 1 (10%)")),
            Case(name: "the current weight moved to another step", phase: phase, newSteps: [10, 25, 100],
                 expected: .applied(moved, step: 0, keepsStep: false,
                                    reason: "policy version 2 applied; moving to step 0 (10%), the highest step not above the current 10%")),
            Case(name: "the current weight is gone", phase: phase, newSteps: [5, 20, 50, 100],
                 expected: .applied(moved, step: 0, keepsStep: false,
                                    reason: "policy version 2 applied; moving to step 0 (5%), the highest step not above the current 10%")),
            Case(name: "arms renamed", phase: phase, candidate: "anthropic",
                 expected: .applied(moved, step: 1, keepsStep: false,
                                    reason: "policy version 2 applied; \(renamedArms): evidence starts from zero at step 1 (10%), "
                                        + "the highest step not above the current 10%")),
            Case(name: "no step at or below the current weight", phase: phase, newSteps: [20, 100],
                 expected: .refused(.noStepAtOrBelowCurrentWeight, message: tooHigh)),
            Case(name: "arms renamed, no step at or below the current weight", phase: phase, newSteps: [20, 100],
                 candidate: "anthropic", expected: .refused(.noStepAtOrBelowCurrentWeight, message: tooHigh)),
        ]
    } + [
        Case(name: "same arms", phase: .promoted, newSteps: [10, 100],
             expected: .applied(.promoted, step: 1, keepsStep: true,
                                reason: "policy version 2 applied; the migration stays promoted (candidate at 100%); "
                                    + "restart starts it over under this policy")),
        Case(name: "the baseline (at 0%) renamed", phase: .promoted, baseline: "azure",
             expected: .applied(.promoted, step: 1, keepsStep: true,
                                reason: "policy version 2 applied; arms changed (openai → holysheep is now azure → holysheep); "
                                    + "the migration stays promoted (candidate at 100%); restart starts it over under this policy")),
        Case(name: "the candidate (at 100%) renamed", phase: .promoted, candidate: "anthropic",
             expected: .refused(.renamesTheArmWithAllTraffic,
                                message: "cannot apply policy version 2 to \"chat\": it is promoted with all traffic on "
                                    + "\"holysheep\", and this policy would send all traffic to \"anthropic\" untested; keep the "
                                    + "name \"holysheep\" for the candidate, or restart the migration and then apply this "
                                    + "policy (it ramps from the first step)")),
        Case(name: "same arms", phase: .rolledBack, newSteps: [20, 100],
             expected: .applied(.rolledBack, step: 1, keepsStep: true,
                                reason: "policy version 2 applied; the migration stays rolled back (candidate at 0%); "
                                    + "restart starts it over under this policy")),
        Case(name: "the candidate (at 0%) renamed", phase: .rolledBack, candidate: "anthropic",
             expected: .applied(.rolledBack, step: 1, keepsStep: true,
                                reason: "policy version 2 applied; \(renamedArms); the migration stays rolled back "
                                    + "(candidate at 0%); restart starts it over under this policy")),
        Case(name: "the baseline (at 100%) renamed", phase: .rolledBack, baseline: "azure",
             expected: .refused(.renamesTheArmWithAllTraffic,
                                message: "cannot apply policy version 2 to \"chat\": it is rolled_back with all traffic on "
                                    + "\"openai\", and this policy would send all traffic to \"azure\" untested; keep the "
                                    + "name \"openai\" for the baseline, or restart the migration and then apply this "
                                    + "policy (it ramps from the first step)")),
    ]

    @Test(arguments: cases)
    func policyEdit(_ c: Case) throws {
        let old = Fixture.policy()
        let new = Fixture.policy(steps: c.newSteps.map { Fixture.step($0, bake: .minutes(1)) },
                                 baseline: c.baseline, candidate: c.candidate)
        let status = Fixture.status(c.phase, step: 1, revision: 7, stepStartedAt: 1_000)
        let result = Result { () throws(PolicyEditRefused) -> Transition in
            try StateMachine.updatePolicy(from: old, to: new, newVersion: 2, status: status,
                                          judge: Fixture.someEvidence, now: 9_000)
        }
        switch (c.expected, result) {
        case (.refused(let cause, let message), .failure(let error)):
            #expect(error.cause == cause)
            #expect(error.message == message)
            #expect(error.phase == c.phase && error.migration == "chat")
            #expect(error.currentWeight == status.candidateWeight(old))
        case (.applied(let phase, let step, let keepsStep, let reason), .success(let t)):
            #expect(t.status.phase == phase)
            #expect(t.status.step == step)
            #expect(t.status.policyVersion == 2)
            #expect(t.status.revision == 8)
            #expect(t.status.updatedAt == 9_000)
            #expect(t.status.reason == reason)
            #expect(t.decision.action == .policy && t.decision.actor == .operator)
            #expect(t.decision.fromStep == 1 && t.decision.toStep == step)
            #expect(t.decision.baseline == new.baseline && t.decision.candidate == new.candidate)
            // Never more traffic for the candidate, and the same weights for a finished migration.
            #expect(t.status.candidateWeight(new) <= status.candidateWeight(old))
            if c.phase.isTerminal { #expect(t.status.candidateWeight(new) == status.candidateWeight(old)) }
            #expect(t.decision.candidateWeight == t.status.candidateWeight(new))
            var expectedJudge = Fixture.someEvidence
            if c.renamed { expectedJudge.lastSnapshot = nil }  // the renamed arms' counters start over
            if keepsStep {
                #expect(t.status.stepStartedAt == 1_000)
                #expect(t.judge == expectedJudge)
            } else {
                #expect(t.status.stepStartedAt == 9_000)
                #expect(t.judge.step == .zero && t.judge.memory == JudgeMemory())
                #expect(t.judge.lastTickAt == 900)
                #expect(t.judge.lastSnapshot == expectedJudge.lastSnapshot)
            }
        default:
            Issue.record("expected \(c.expected), got \(result)")
        }
    }

    /// Whatever the steps, an edit of a live migration either lowers or keeps the candidate's weight, or is refused.
    @Test(arguments: [Phase.ramping, .waiting, .paused])
    func anEditNeverRaisesTheCandidatesWeight(_ phase: Phase) {
        let old = Fixture.policy()
        for steps in [[1, 2, 3, 100], [5, 7, 9, 100], [10, 100], [2, 10, 11, 100], [11, 100], [100], [50, 60]] {
            for candidate in ["holysheep", "anthropic"] {
                let new = Fixture.policy(steps: steps.map { Fixture.step($0) }, candidate: candidate)
                do {
                    let t = try StateMachine.updatePolicy(from: old, to: new, newVersion: 3, status: Fixture.status(phase),
                                                          judge: .initial, now: 1)
                    #expect(t.status.candidateWeight(new) <= Weight(basisPoints: 1000), "\(steps)")
                } catch {
                    #expect(steps[0] > 10, "\(steps) refused: \(error)")
                }
            }
        }
    }

    /// A finished migration stays finished under a new policy; `restart` then starts it under the newest one.
    @Test(arguments: [Phase.promoted, .rolledBack])
    func restartAfterAnEditUsesTheNewPolicy(_ phase: Phase) throws {
        let old = Fixture.policy()
        let new = Fixture.policy(steps: [Fixture.step(2), Fixture.step(100)])
        let edited = try StateMachine.updatePolicy(from: old, to: new, newVersion: 2, status: Fixture.status(phase),
                                                   judge: Fixture.someEvidence, now: 5_000)
        #expect(edited.status.phase == phase)
        let restarted = try StateMachine.apply(.restart, reason: nil, status: edited.status, judge: edited.judge,
                                               policy: new, now: 6_000)
        #expect(restarted.status.phase == .ramping && restarted.status.step == 0)
        #expect(restarted.status.policyVersion == 2)
        #expect(restarted.status.candidateWeight(new) == Weight(basisPoints: 200))
        #expect(restarted.status.stepStartedAt == 6_000)
    }

    /// A renamed baseline's latency histogram is not carried into the next step's thresholds.
    @Test func aRenamedBaselineDropsTheCarriedLatency() throws {
        var judge = Fixture.someEvidence
        var memory = SequentialMemory()
        memory.previousBaseline = Fixture.latency(500, inBucket: 24)
        memory.ticks = 3
        judge.memory.sequential = memory
        let old = Fixture.policy()
        for (baseline, carried) in [("openai", true), ("azure", false)] {
            let t = try StateMachine.updatePolicy(from: old, to: Fixture.policy(baseline: baseline, candidate: "anthropic"),
                                                  newVersion: 2, status: Fixture.status(.ramping), judge: judge, now: 5_000)
            #expect(t.judge.memory.sequential?.previousBaseline.isEmpty == !carried, "\(baseline)")
        }
    }
}
