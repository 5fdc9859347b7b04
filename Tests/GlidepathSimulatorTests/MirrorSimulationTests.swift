import GlidepathCore
import Testing
@testable import GlidepathSimulator

/// A shadow step in the simulator: mirror × the baseline's traffic is candidate evidence at 0 % exposure.
@Suite struct MirrorSimulationTests {
    static func policy() throws -> Policy {
        let text = #"{"migration": "m", "baseline": "a", "candidate": "b", "interval": "10s", "minRequests": 50, "#
            + #""steps": [{"weight": 0, "mirror": 100, "bake": "5m"}, {"weight": 50, "bake": "1m"}, {"weight": 100}]}"#
        return try PolicyParser.parse(text).get()
    }

    @Test(arguments: [SimulatedJudge.sequential, .threshold])
    func aFailingShadowIsRolledBackWithoutUserFailures(_ judge: SimulatedJudge) throws {
        let rows = Simulator.run(SimulationOptions(scenarios: ["S3"], rates: [10], runs: 40, judges: [judge],
                                                   policy: try Self.policy()))
        let bad = try #require(rows.first)
        #expect(bad.rolledBackRate == 1)
        // Rolled back during the 5-minute shadow bake: no user request ever reached the candidate.
        #expect(bad.p90DecisionSeconds < 300)
        #expect(bad.p90ExcessFailures == 0)
    }

    @Test func aHealthyShadowBakesThenGoesLive() throws {
        let rows = Simulator.run(SimulationOptions(scenarios: ["S1"], rates: [10], runs: 40, judges: [.sequential],
                                                   policy: try Self.policy()))
        let good = try #require(rows.first)
        #expect(good.promotedRate >= 0.9)
        // Not before the shadow bake (5 min) and the live step's (1 min).
        #expect(good.medianDecisionSeconds >= 360)
    }

    @Test func theShadowStepSendsCandidateEvidenceAtZeroExposure() throws {
        let prepared = SimulationRun.Prepared(try #require(Scenario.named("S3")))
        var policy = try Self.policy()
        policy.steps[0].bake = .hours(24)  // stay in the shadow step for the whole horizon unless rolled back
        let r = SimulationRun.run(prepared, rate: 10, judge: .sequential, seed: 7, policy: policy)
        #expect(r.outcome == .rolledBack)
        #expect(r.excessFailures == 0)
    }
}
