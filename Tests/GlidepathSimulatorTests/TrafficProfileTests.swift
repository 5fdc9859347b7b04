import GlidepathCore
import Testing
@testable import GlidepathSimulator

@Suite struct TrafficProfileTests {
    /// The issue's example.
    static let example = """
        {"hours": 6, "requestsPerSecond": 50,
         "baseline": {"errorRate": 0.02, "latencyMs": {"p50": 300, "p99": 2000},
                      "ttftMs": {"p50": 200, "p99": 900}, "tokens": {"mean": 400}},
         "candidate": {"errorRate": 0.02, "latencyMs": {"p50": 300, "p99": 2000},
                       "ttftMs": {"p50": 200, "p99": 900}, "tokens": {"mean": 400}},
         "changes": [{"atMinutes": 30, "arm": "candidate", "errorRate": 0.2}]}
        """

    func parse(_ text: String) -> Result<Scenario, PolicyError> { TrafficProfileParser.parse(text, id: "p") }

    @Test func theIssuesExampleIsARegressionFromMinute30() throws {
        let s = try parse(Self.example).get()
        #expect(s.id == "p" && !s.healthy && s.horizonSeconds == 6 * 3600 && s.defaultRates == [50])
        #expect(s.onset == .atSeconds(1800) && s.traffic == .steady && s.defaultRuns == 300)
        #expect(s.baseline.errorRate == 0.02 && s.candidate == s.baseline && s.regressed == nil)
        #expect(abs(s.baseline.latency.quantile(0.5) - 0.3) < 1e-5 && abs(s.baseline.latency.quantile(0.99) - 2) < 1e-5)
        #expect(abs(s.baseline.ttft!.quantile(0.99) - 0.9) < 1e-5)
        #expect(s.baseline.tokens == TokensModel(mean: 400, sigma: 0.5))
        #expect(s.changes.count == 1 && s.changes[0].atSeconds == 1800 && s.changes[0].arm == .candidate)
        var after = s.baseline
        after.errorRate = 0.2
        #expect(s.changes[0].behaviour == after)
        #expect(s.guardsTTFT && s.guardsTokens)
        #expect(s.behaviours(atSeconds: 1790, regressed: false).candidate.errorRate == 0.02)
        #expect(s.behaviours(atSeconds: 1800, regressed: true).candidate.errorRate == 0.2)
        #expect(s.title == "6h at 50 req/s, 1 change from 30m (traffic profile)")
    }

    @Test func forcedTrafficIsLeftOutOfTheJudgedRate() throws {
        let text = #"{"hours": 6, "requestsPerSecond": 50, "forcedShare": 0.2, "#
            + #""baseline": {"errorRate": 0, "latencyMs": {"p50": 100, "p99": 400}}}"#
        let s = try parse(text).get()
        #expect(s.defaultRates == [40])
        #expect(s.title == "6h at 50 req/s, 20 % forced (judged on 40 req/s), no changes (healthy) (traffic profile)")
        let none = try parse(#"{"hours": 6, "requestsPerSecond": 50, "forcedShare": 0, "#
            + #""baseline": {"errorRate": 0, "latencyMs": {"p50": 100, "p99": 400}}}"#).get()
        #expect(none.defaultRates == [50] && none.title == "6h at 50 req/s, no changes (healthy) (traffic profile)")
    }

    @Test func aProfileWithoutChangesIsHealthyAndTheCandidateDefaultsToTheBaseline() throws {
        let text = #"{"hours": 0.5, "requestsPerSecond": 2.5, "diurnal": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,0], "#
            + #""baseline": {"errorRate": 0, "latencyMs": {"p50": 100, "p99": 400}}}"#
        let s = try parse(text).get()
        #expect(s.healthy && s.defaultRuns == 1000 && s.horizonSeconds == 1800 && s.candidate == s.baseline)
        #expect(s.baseline.ttft == nil && s.baseline.tokens == nil && !s.guardsTTFT && !s.guardsTokens)
        #expect(s.traffic.factor(atSeconds: 23 * 3600) == 0 && s.traffic.factor(atSeconds: 47 * 3600 + 5) == 0)
        #expect(s.traffic.factor(atSeconds: 24 * 3600) == 1)
    }

    @Test func changesApplyInTimeOrderOntoTheArmSoFar() throws {
        let text = #"{"hours": 2, "requestsPerSecond": 10, "baseline": {"errorRate": 0.01, "latencyMs": {"p50": 100, "p99": 400}}, "#
            + #""candidate": {"tokens": {"mean": 300, "sigma": 0}}, "changes": ["#
            + #"{"atMinutes": 40, "arm": "candidate", "latencyMs": {"p50": 200, "p99": 800}}, "#
            + #"{"atMinutes": 0, "arm": "candidate", "errorRate": 0.05}, "#
            + #"{"atMinutes": 40, "arm": "baseline", "tokens": {"mean": 10}}]}"#
        let s = try parse(text).get()
        #expect(s.onset == .start && s.candidate.tokens == TokensModel(mean: 300, sigma: 0) && s.baseline.tokens == nil)
        #expect(s.changes.map(\.atSeconds) == [0, 2400, 2400])
        #expect(s.changes.map(\.arm) == [.candidate, .candidate, .baseline])
        // The latency change keeps the earlier error rate and the candidate's own tokens.
        #expect(s.changes[1].behaviour.errorRate == 0.05 && s.changes[1].behaviour.tokens?.mean == 300)
        #expect(abs(s.changes[1].behaviour.latency.quantile(0.5) - 0.2) < 1e-5)
        #expect(s.changes[2].behaviour.tokens == TokensModel(mean: 10) && s.changes[2].behaviour.errorRate == 0.01)
        let late = s.behaviours(atSeconds: 2400, regressed: true)
        #expect(late.baseline.tokens?.mean == 10 && late.candidate.errorRate == 0.05)
    }

    static let base = #""baseline": {"errorRate": 0.01, "latencyMs": {"p50": 100, "p99": 400}}"#

    @Test(arguments: [
        ("[]", [": expected an object, found array"]),
        ("{\"hours\": 1,", [": line 1, column 13: unexpected end of input; expected a string key after ','"]),
        ("{}", ["hours: missing required key \"hours\"", "requestsPerSecond: missing required key \"requestsPerSecond\"",
                "baseline: missing required key \"baseline\""]),
        (#"{"hours": 1, "requestsPerSecond": 1, "hour": 2, "#+base+"}",
         ["hour: unknown key \"hour\"; did you mean \"hours\"?"]),
        (#"{"hours": 0, "requestsPerSecond": 100001, "#+base+"}",
         ["hours: must be above 0 and at most 744 (31 days), found 0",
          "requestsPerSecond: must be above 0 and at most 100000, found 100001"]),
        (#"{"hours": 745, "requestsPerSecond": "50", "#+base+"}",
         ["hours: must be above 0 and at most 744 (31 days), found 745", "requestsPerSecond: expected a number, found string"]),
        (#"{"hours": 1, "requestsPerSecond": 1, "diurnal": [1, 2], "#+base+"}",
         ["diurnal: must have exactly 24 hourly multipliers, found 2"]),
        (#"{"hours": 1, "requestsPerSecond": 1, "diurnal": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,-1,1e400], "#+base+"}",
         ["diurnal[22]: must be from 0 to 100, found -1", "diurnal[23]: must be from 0 to 100, found 1e400"]),
        (#"{"hours": 1, "requestsPerSecond": 1, "diurnal": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0], "#+base+"}",
         ["diurnal: must not be all 0 (no traffic at all)"]),
        (#"{"hours": 1, "requestsPerSecond": 1, "baseline": {"errorRate": 1.5, "latencyMs": {"p50": 300, "p99": 300}}}"#,
         ["baseline.errorRate: must be from 0 to 1, found 1.5", "baseline.latencyMs.p99: must be above p50 (300), found 300"]),
        (#"{"hours": 1, "requestsPerSecond": 1, "baseline": {"errorRat": 0.1, "latencyMs": {"p50": 0, "p90": 5}}}"#,
         ["baseline.errorRat: unknown key \"errorRat\"; did you mean \"errorRate\"?",
          "baseline.errorRate: missing required key \"errorRate\"",
          "baseline.latencyMs.p90: unknown key \"p90\"; did you mean \"p50\"?",
          "baseline.latencyMs.p50: must be above 0 and at most 3600000 (ms), found 0",
          "baseline.latencyMs.p99: missing required key \"p99\""]),
        (#"{"hours": 1, "requestsPerSecond": 1, "#+base+#", "candidate": {"ttftMs": {"p50": 5, "p99": 4000000}, "tokens": {"mean": 0, "sigma": 4}}}"#,
         ["candidate.ttftMs.p99: must be above 0 and at most 3600000 (ms), found 4000000",
          "candidate.tokens.mean: must be above 0 and at most 1000000, found 0", "candidate.tokens.sigma: must be from 0 to 3, found 4"]),
        (#"{"hours": 1, "requestsPerSecond": 1, "#+base+#", "candidate": {"tokens": {"men": 1}}}"#,
         ["candidate.tokens.men: unknown key \"men\"; did you mean \"mean\"?", "candidate.tokens.mean: missing required key \"mean\""]),
        (#"{"hours": 1, "requestsPerSecond": 1, "#+base+#", "changes": {}}"#,
         ["changes: expected an array of changes, found object"]),
        (#"{"hours": 1, "requestsPerSecond": 1, "#+base+#", "changes": [{"atMinutes": 61, "arm": "canddiate", "errorRate": 0.2}, "#
            + #"{"atMinutes": 5, "arm": "candidate"}, {"atMinute": 5, "arm": "baseline", "errorRate": -0.1}]}"#,
         ["changes[0].atMinutes: must be from 0 to 60 (the profile's hours × 60), found 61",
          "changes[0].arm: must be one of \"baseline\", \"candidate\", found \"canddiate\"; did you mean \"candidate\"?",
          "changes[1]: a change must set at least one of \"errorRate\", \"latencyMs\", \"ttftMs\", \"tokens\", \"custom\"",
          "changes[2].atMinute: unknown key \"atMinute\"; did you mean \"atMinutes\"?",
          "changes[2].atMinutes: missing required key \"atMinutes\"",
          "changes[2].errorRate: must be from 0 to 1, found -0.1"]),
        (#"{"hours": 1, "requestsPerSecond": 1, "#+base+#", "changes": [{"atMinutes": 1, "arm": "baseline", "errorRate": -0.1}]}"#,
         ["changes[0].errorRate: must be from 0 to 1, found -0.1"]),
        (#"{"description": 5, "hours": 1, "requestsPerSecond": 1, "#+base+"}", ["description: expected a string, found number"]),
        (#"{"hours": 1, "requestsPerSecond": 1, "forcedShare": 1, "#+base+"}", ["forcedShare: must be at least 0 and below 1, found 1"]),
        (#"{"hours": 1, "requestsPerSecond": 1, "forcedShare": -0.5, "#+base+"}", ["forcedShare: must be at least 0 and below 1, found -0.5"]),
    ])
    func mistakesAreReportedWithTheirPath(text: String, expected: [String]) {
        guard case .failure(let error) = parse(text) else {
            Issue.record("parsed: \(text)")
            return
        }
        #expect(error.problems.map { "\($0.path): \($0.message)" } == expected)
        #expect(error.problems.allSatisfy { $0.line == 1 })
    }

    @Test func theCandidateAndTheChangesAreCheckedEvenWhenTheBaselineIsNot() {
        let text = #"{"hours": 1, "requestsPerSecond": 1, "baseline": {"errorRate": 2, "latencyMs": {"p50": 1, "p99": 2}}, "#
            + #""candidate": {"errorRate": 3}, "changes": [{"atMinutes": 1, "arm": "canddiate", "errorRate": 0.2}]}"#
        guard case .failure(let error) = parse(text) else { Issue.record("parsed"); return }
        #expect(error.problems.map(\.path) == ["baseline.errorRate", "candidate.errorRate", "changes[0].arm"])
    }

    @Test func problemsCarryTheirLine() throws {
        let text = "{\"hours\": 1,\n \"requestsPerSecond\": 1,\n \"baseline\": {\"errorRate\": 2,\n \"latencyMs\": {\"p50\": 1, \"p99\": 2}}}"
        guard case .failure(let error) = parse(text) else { Issue.record("parsed"); return }
        #expect(error.problems == [PolicyProblem(path: "baseline.errorRate", message: "must be from 0 to 1, found 2", line: 3)])
    }

    @Test func aProfileRunsItsPolicysJudgeAndCountsFalseRollbacksWhenHealthy() throws {
        let text = #"{"hours": 1, "requestsPerSecond": 100, "#+Self.base+"}"
        let s = try parse(text).get()
        let rows = Simulator.run(SimulationOptions(runs: 30, profile: s))
        #expect(rows.count == 1 && rows[0].judge == "sequential" && rows[0].rate == 100 && rows[0].scenario == "p")
        #expect(rows[0].falseRollbackRate == 0 && rows[0].promotedRate > 0.9)
        // A threshold policy runs the threshold judge; --judge chooses others.
        let threshold = SimulationPolicy.standard(judge: .threshold)
        #expect(Simulator.jobs(SimulationOptions(policy: threshold, profile: s)).map(\.judge) == [.threshold])
        #expect(Simulator.jobs(SimulationOptions(judges: [.ztest, .sequential], profile: s)).map(\.judge) == [.ztest, .sequential])
        #expect(Simulator.jobs(SimulationOptions(horizon: .days(3), profile: s)).map(\.scenario.horizonSeconds) == [3 * 86_400])
    }

    @Test func aProfileRegressionIsRolledBackAfterItsOnset() throws {
        let text = #"{"hours": 2, "requestsPerSecond": 100, "#+Self.base
            + #", "changes": [{"atMinutes": 5, "arm": "candidate", "errorRate": 0.2}]}"#
        let rows = Simulator.run(SimulationOptions(runs: 30, profile: try parse(text).get()))
        #expect(rows[0].rolledBackRate == 1 && rows[0].falseRollbackRate == 0)
        #expect(rows[0].p90DecisionSeconds <= 60 && rows[0].medianExcessFailures > 0)
    }
}
