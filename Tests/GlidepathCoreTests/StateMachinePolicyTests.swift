import Testing
@testable import GlidepathCore

@Suite struct StateMachinePolicyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var phase: Phase = .ramping
        var newSteps: [Int]
        var renamed = false
        var phaseAfter: Phase
        var stepAfter: Int
        var keepsStep: Bool
        var reason: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        .init(name: "same steps", newSteps: [5, 10, 25, 50, 100], phaseAfter: .ramping, stepAfter: 1, keepsStep: true,
              reason: "policy version 2 applied; staying at step 1 (10%)"),
        .init(name: "a step removed below", newSteps: [10, 25, 100], phaseAfter: .ramping, stepAfter: 0,
              keepsStep: false,
              reason: "policy version 2 applied; moving to step 0 (10%), the highest step not above the current 10%"),
        .init(name: "current weight gone", phase: .paused, newSteps: [5, 20, 50, 100], phaseAfter: .paused,
              stepAfter: 0, keepsStep: false,
              reason: "policy version 2 applied; moving to step 0 (5%), the highest step not above the current 10%"),
        .init(name: "no step low enough", phase: .waiting, newSteps: [20, 100], phaseAfter: .waiting, stepAfter: 0,
              keepsStep: false,
              reason: "policy version 2 applied; moving to step 0 (20%): no step is at or below the current 10%"),
        .init(name: "arms renamed", newSteps: [5, 10, 25, 50, 100], renamed: true, phaseAfter: .ramping, stepAfter: 0,
              keepsStep: false,
              reason: "policy version 2 applied; arms changed (openai → holysheep is now openai → anthropic), "
                  + "so starting over at step 0 (5%)"),
        .init(name: "was promoted", phase: .promoted, newSteps: [5, 10, 25, 50, 100], phaseAfter: .ramping,
              stepAfter: 0, keepsStep: false,
              reason: "policy version 2 applied; the migration had been promoted, so starting over at step 0 (5%)"),
        .init(name: "was rolled back", phase: .rolledBack, newSteps: [10, 100], phaseAfter: .ramping,
              stepAfter: 0, keepsStep: false,
              reason: "policy version 2 applied; the migration had been rolled back, so starting over at step 0 (10%)"),
    ]

    @Test(arguments: cases)
    func policyEditKeepsProgressWhereSafe(_ c: Case) {
        let old = Fixture.policy()
        let new = Fixture.policy(steps: c.newSteps.map { Fixture.step($0, bake: .minutes(1)) },
                                 candidate: c.renamed ? "anthropic" : "holysheep")
        let status = Fixture.status(c.phase, step: 1, revision: 7, stepStartedAt: 1_000)
        let t = StateMachine.updatePolicy(from: old, to: new, newVersion: 2, status: status,
                                          judge: Fixture.someEvidence, now: 9_000)
        #expect(t.status.phase == c.phaseAfter)
        #expect(t.status.step == c.stepAfter)
        #expect(t.status.policyVersion == 2)
        #expect(t.status.revision == 8)
        #expect(t.status.updatedAt == 9_000)
        #expect(t.status.reason == c.reason)
        #expect(t.decision.action == "policy" && t.decision.actor == .operator)
        #expect(t.decision.fromStep == 1 && t.decision.toStep == c.stepAfter)
        #expect(t.decision.candidate == new.candidate)
        if c.keepsStep {
            #expect(t.status.stepStartedAt == 1_000)
            #expect(t.judge == Fixture.someEvidence)
        } else {
            #expect(t.status.stepStartedAt == 9_000)
            #expect(t.judge.step == .zero && t.judge.memory == JudgeMemory())
            #expect(t.judge.lastTickAt == 900)
            #expect(t.judge.lastSnapshot == (c.renamed ? nil : Fixture.someEvidence.lastSnapshot))
        }
    }

    @Test func anEditNeverRaisesTrafficWhenAStepFits() {
        let old = Fixture.policy()
        for steps in [[1, 2, 3, 100], [5, 7, 9, 100], [10, 100], [2, 10, 11, 100]] {
            let new = Fixture.policy(steps: steps.map { Fixture.step($0) })
            let t = StateMachine.updatePolicy(from: old, to: new, newVersion: 3, status: Fixture.status(.ramping),
                                              judge: .initial, now: 1)
            #expect(t.status.candidateWeight(new) <= Weight(basisPoints: 1000), "\(steps)")
        }
    }
}
