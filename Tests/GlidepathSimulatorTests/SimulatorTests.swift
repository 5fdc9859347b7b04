import GlidepathCore
import Testing
@testable import GlidepathSimulator

@Suite struct SimulatorTests {
    func row(_ scenario: String, rate: Double, judge: SimulatedJudge, runs: Int, seed: UInt64 = 1) -> SimulationRow {
        let rows = Simulator.run(SimulationOptions(scenarios: [scenario], rates: [rate], runs: runs, seed: seed,
                                                   judges: [judge]))
        #expect(rows.count == 1)
        return rows[0]
    }

    @Test func tenfoldErrorsAreAlwaysRolledBackByTheThresholdJudge() {
        let r = row("S3", rate: 100, judge: .threshold, runs: 50)
        #expect(r.runs == 50)
        #expect(r.rolledBackRate == 1)
        #expect(r.falseRollbackRate == nil)
        // Three consecutive failed 10 s checks at the earliest, after 100 requests per arm at 5 %.
        #expect(r.medianDecisionSeconds >= 30 && r.medianDecisionSeconds <= 120)
        #expect(r.medianExcessFailures > 0)
    }

    @Test func tenfoldErrorsAreRolledBackByTheZTestInOneTick() {
        let r = row("S3", rate: 100, judge: .ztest, runs: 50)
        #expect(r.rolledBackRate == 1)
        #expect(r.p90DecisionSeconds <= 60)
    }

    @Test func healthyCandidatesAreMostlyPromoted() {
        let threshold = row("S1", rate: 100, judge: .threshold, runs: 50)
        #expect(threshold.promotedRate >= 0.8)
        #expect(threshold.falseRollbackRate == threshold.rolledBackRate)
        // Five steps of 2-minute bakes: promotion takes at least 10 minutes.
        #expect(threshold.medianDecisionSeconds >= 600)
        #expect(threshold.medianExcessFailures == 0)
        // The uncorrected per-tick z-test rolls back many healthy candidates (1 % per look, dozens of looks).
        let ztest = row("S1", rate: 100, judge: .ztest, runs: 50)
        #expect(ztest.promotedRate >= 0.2)
        #expect(ztest.falseRollbackRate! >= 0.2)
        #expect(abs(ztest.promotedRate + ztest.rolledBackRate + ztest.heldRate - 1) < 1e-9)
    }

    @Test func theSequentialJudgeCatchesTenfoldErrorsAndPromotesHealthyCandidates() {
        let bad = row("S3", rate: 100, judge: .sequential, runs: 50)
        #expect(bad.rolledBackRate == 1)
        #expect(bad.p90DecisionSeconds <= 60)
        let good = row("S1", rate: 100, judge: .sequential, runs: 50)
        #expect(good.rolledBackRate == 0)
        #expect(good.promotedRate >= 0.9)
    }

    @Test func aUserPolicyReplacesTheStandardOneForEveryJudge() throws {
        // 1-second ticks and a single 50 % step before 100 %: decisions land on whole seconds, not tens.
        let text = #"{"migration": "m", "baseline": "a", "candidate": "b", "interval": "1s", "judge": "threshold", "#
            + #""steps": [{"weight": 50, "bake": "30s"}, {"weight": 100}], "minRequests": 20}"#
        let policy = try PolicyParser.parse(text).get()
        #expect(SimulationPolicy.policy(policy, judge: .sequential).judge == .sequential)
        #expect(SimulationPolicy.policy(policy, judge: .sequential).steps == policy.steps)
        #expect(SimulationPolicy.policy(nil, judge: .threshold) == SimulationPolicy.standard(judge: .threshold))
        let rows = Simulator.run(SimulationOptions(scenarios: ["S3", "S1"], rates: [100], runs: 40,
                                                   judges: [.sequential, .threshold], policy: policy))
        // Rows come in catalogue order: S1 first.
        #expect(rows.map { "\($0.scenario) \($0.judge)" } == ["S1 sequential", "S1 threshold", "S3 sequential", "S3 threshold"])
        let bad = rows[2]
        #expect(bad.rolledBackRate == 1)
        // At 50 % a tenfold error rate is caught within a few 1-second ticks.
        #expect(bad.p90DecisionSeconds <= 5)
        let standard = row("S3", rate: 100, judge: .sequential, runs: 40)
        #expect(standard.p90DecisionSeconds >= 10 && standard.p90DecisionSeconds.truncatingRemainder(dividingBy: 10) == 0)
        // Healthy: promoted after the 30 s bake at 50 % (and minRequests at 100 %), well before the standard 10 minutes.
        let good = rows[0]
        #expect(good.promotedRate >= 0.9)
        #expect(good.medianDecisionSeconds >= 30 && good.medianDecisionSeconds < 120)
    }

    @Test func lowTrafficWithGapsHoldsAndAlerts() {
        // 0.1 req/s: 5 % of it is one candidate request every 200 s, far from 100 per step in 4 hours.
        let r = row("S5", rate: 0.1, judge: .threshold, runs: 20)
        #expect(r.promotedRate == 0)
        #expect(r.heldRate + r.rolledBackRate == 1)
        #expect(r.medianDecisionSeconds == 4 * 3600)
    }

    @Test func sameSeedSameRowsOtherSeedOtherRows() {
        let options = SimulationOptions(scenarios: ["S2", "S6"], rates: [10], runs: 30, seed: 7,
                                        judges: [.threshold, .ztest])
        let a = Simulator.run(options)
        let b = Simulator.run(options)
        #expect(a == b)
        var other = options
        other.seed = 8
        #expect(Simulator.run(other) != a)
    }

    @Test func resultsDoNotDependOnThreads() {
        let scenario = Scenario.named("S2")!
        let prepared = SimulationRun.Prepared(scenario)
        let serial = (0..<40).map { i in
            SimulationRun.run(prepared, rate: 100, judge: .threshold,
                              seed: Simulator.runSeed(3, scenario: "S2", rate: 100, run: i))
        }
        let parallel = Simulator.run(SimulationOptions(scenarios: ["S2"], rates: [100], runs: 40, seed: 3,
                                                       judges: [.threshold]))
        #expect(parallel[0] == SimulationRow(scenario: scenario, rate: 100, judge: .threshold, results: serial))
    }

    @Test func lateOnsetStartsInTheMiddleOfStepOne() {
        let prepared = SimulationRun.Prepared(Scenario.named("S2b")!)
        let r = SimulationRun.run(prepared, rate: 1000, judge: .threshold, seed: 11)
        // Step 0 bakes 2 minutes and step 1 starts at a tick; 60 s into it the regression begins.
        #expect(r.onsetSeconds.map { $0 >= 180 && $0 <= 200 } == true)
    }

    @Test func rollbacksBeforeALateOnsetAreFalseRollbacks() {
        // The uncorrected z-test often rolls back before the regression begins, 60 s into step 1.
        let r = row("S2b", rate: 10, judge: .ztest, runs: 40)
        #expect(r.falseRollbackRate! > 0.2)
        #expect(r.falseRollbackRate! <= r.rolledBackRate)
        #expect(r.falseRollbackUpper95! > r.falseRollbackRate!)
    }

    @Test func jobsFollowCatalogueRateAndJudgeOrder() {
        let jobs = Simulator.jobs(SimulationOptions(scenarios: ["s5", "S1"], judges: [.ztest, .threshold]))
        #expect(jobs.map { "\($0.scenario.id)@\($0.rate)/\($0.judge.rawValue)/\($0.runs)" } == [
            "S1@1.0/ztest/2000", "S1@1.0/threshold/2000", "S1@10.0/ztest/2000", "S1@10.0/threshold/2000",
            "S1@100.0/ztest/2000", "S1@100.0/threshold/2000", "S1@1000.0/ztest/2000", "S1@1000.0/threshold/2000",
            "S5@1.0/ztest/500", "S5@1.0/threshold/500", "S5@0.1/ztest/500", "S5@0.1/threshold/500",
        ])
    }

    @Test func zTestStatistic() {
        let tick = ArmPair(baseline: ArmCounts(requests: 1000, errors: 10), candidate: ArmCounts(requests: 1000, errors: 30))
        // Pooled p = 0.02; se = sqrt(0.02 × 0.98 × 0.002) = 0.0062610; z = 0.02 / se = 3.1944.
        #expect(abs(ZTestJudge.z(tick)! - 3.1944) < 1e-4)
        #expect(ZTestJudge.z(ArmPair(baseline: ArmCounts(requests: 10), candidate: ArmCounts(requests: 10))) == nil)
        #expect(ZTestJudge.z(ArmPair(candidate: ArmCounts(requests: 10, errors: 1))) == nil)
    }
}
