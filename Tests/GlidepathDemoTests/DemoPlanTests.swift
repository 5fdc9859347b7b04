import GlidepathCore
import GlidepathSimulator
import Testing
@testable import GlidepathDemo

/// The demo's plan: its policies are valid and say what the demo claims, and the simulator — the real
/// judge on a virtual clock — promotes the healthy candidate and rolls the faulty one back every time.
@Suite struct DemoPlanTests {
    @Test(arguments: [(0.5, 10, 125.0, 6, 360.0), (1, 5, 250, 12, 180), (2, 3, 500, 24, 180), (4, 1, 1000, 48, 180)])
    func speedScalesTrafficAndBakes(speed: Double, bake: Int, rate: Double, workers: Int, timeout: Double) {
        let plan = DemoPlan(speed: speed)
        #expect(plan.bakeSeconds == bake)
        #expect(plan.requestsPerSecond == rate)
        #expect(plan.workersPerMigration == workers)
        #expect(plan.timeoutSeconds == timeout)
    }

    @Test(arguments: [0.5, 1, 4])
    func everyPolicyParsesWithTheStepsAndJudgeTheDemoNeeds(speed: Double) throws {
        let plan = DemoPlan(speed: speed)
        #expect(plan.migrations.map(\.name) == ["demo-healthy", "demo-faulty"])
        #expect(plan.providers.map(\.name) == ["legacy", "candidate-ok", "candidate-bad"])
        for m in plan.migrations {
            let policy = try PolicyParser.parse(plan.policy(for: m)).get()
            #expect(policy.migration == m.name)
            #expect(policy.baseline == "legacy" && policy.candidate == m.candidate.name)
            #expect(policy.steps.map(\.weight.percent) == [5, 25, 50, 100])
            #expect(policy.steps.map(\.bake) == [.seconds(Int64(plan.bakeSeconds)), .seconds(Int64(plan.bakeSeconds)),
                                                 .seconds(Int64(plan.bakeSeconds)), .zero])
            #expect(policy.interval == .seconds(1) && policy.judge == .sequential && policy.minRequests == 50)
        }
    }

    @Test func theFaultyProviderFailsEightTimesAsOftenAndAnswersTwiceAsSlowlyAsLegacy() {
        #expect(DemoPlan.faulty.errorRate == 8 * DemoPlan.legacy.errorRate)
        #expect(DemoPlan.faulty.p50Milliseconds == 2 * DemoPlan.legacy.p50Milliseconds)
        #expect(DemoPlan.faulty.p99Milliseconds == 2 * DemoPlan.legacy.p99Milliseconds)
        #expect(DemoPlan.healthy.errorRate < DemoPlan.legacy.errorRate)
        #expect(DemoPlan.healthy.p99Milliseconds < DemoPlan.legacy.p99Milliseconds)
    }

    /// What the plan's doc comment quotes: the simulator on the demo's own providers and policy.
    @Test(arguments: [("demo-healthy", RunResult.Outcome.promoted, 75.0), ("demo-faulty", .rolledBack, 15)])
    func theSimulatorReachesTheExpectedOutcomeInEveryRun(name: String, outcome: RunResult.Outcome, p90Limit: Double) throws {
        let plan = DemoPlan()
        let m = try #require(plan.migrations.first { $0.name == name })
        let profile = try TrafficProfileParser.parse(plan.simulatorProfile(for: m), id: name).get()
        let policy = try PolicyParser.parse(plan.policy(for: m)).get()
        let rows = Simulator.run(SimulationOptions(runs: 100, policy: policy, profile: profile))
        let row = try #require(rows.first)
        #expect(rows.count == 1 && row.rate == plan.requestsPerSecond && row.runs == 100)
        #expect((outcome == .promoted ? row.promotedRate : row.rolledBackRate) == 1)
        #expect(row.p90DecisionSeconds <= p90Limit)
    }
}
