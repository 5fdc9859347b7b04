import GlidepathCore
import Testing
@testable import GlidepathSimulator

/// `glidepath simulate` with `guards.custom`: a traffic profile's arms give each custom guard's bad-event
/// share (`"custom": [0.03]`), and the real judges roll back a candidate that is worse only on it.
@Suite struct CustomGuardSimulationTests {
    static let base = #""baseline": {"errorRate": 0.01, "latencyMs": {"p50": 100, "p99": 400}, "custom": [0.03]}"#

    static func policy(_ kind: CustomGuard.Kind, judge: JudgeKind = .sequential) -> Policy {
        var p = SimulationPolicy.standard(judge: judge)
        p.guards.custom = [CustomGuard(name: "json_parse", kind: kind, counter: CounterRef(metric: "copy_parse_failures_total"),
                                       maxRatio: 2)]
        return p
    }

    static func profile(_ changes: String = "") throws -> Scenario {
        try TrafficProfileParser.parse(#"{"hours": 2, "requestsPerSecond": 100, "# + base + changes + "}", id: "p").get()
    }

    @Test("a candidate 3× worse on the custom counter alone is rolled back", arguments: [
        (CustomGuard.Kind.bad, JudgeKind.sequential), (.good, .sequential), (.bad, .threshold),
    ])
    func regressionIsRolledBack(kind: CustomGuard.Kind, judge: JudgeKind) throws {
        let s = try Self.profile(#", "changes": [{"atMinutes": 5, "arm": "candidate", "custom": [0.09]}]"#)
        let rows = Simulator.run(SimulationOptions(runs: 20, policy: Self.policy(kind, judge: judge), profile: s))
        #expect(rows.count == 1 && rows[0].rolledBackRate == 1)
        // Without the guard the same traffic is not rolled back (errors and latency are unchanged) — but for
        // the threshold judge's own false rollbacks of a healthy candidate (`How glidepath decides`).
        var plain = Self.policy(kind, judge: judge)
        plain.guards.custom = []
        let unguarded = Simulator.run(SimulationOptions(runs: 20, policy: plain, profile: s))
        if judge == .sequential {
            #expect(rows[0].falseRollbackRate == 0 && unguarded[0].rolledBackRate == 0)
        } else {
            #expect(unguarded[0].rolledBackRate <= 0.3)
        }
    }

    @Test func theSameShareIsPromoted() throws {
        let rows = Simulator.run(SimulationOptions(runs: 20, policy: Self.policy(.bad), profile: try Self.profile()))
        #expect(rows[0].falseRollbackRate == 0 && rows[0].promotedRate == 1)
    }

    @Test(arguments: [
        (#"{"hours": 1, "requestsPerSecond": 1, "baseline": {"errorRate": 0, "latencyMs": {"p50": 1, "p99": 2}, "custom": [2]}}"#,
         "baseline.custom[0]", "must be from 0 to 1, found 2"),
        (#"{"hours": 1, "requestsPerSecond": 1, "baseline": {"errorRate": 0, "latencyMs": {"p50": 1, "p99": 2}, "custom": {}}}"#,
         "baseline.custom", "expected an array of bad-event shares, one per guards.custom entry, found object"),
    ])
    func mistakes(text: String, path: String, message: String) {
        guard case .failure(let e) = TrafficProfileParser.parse(text, id: "p") else { Issue.record("parsed"); return }
        #expect(e.problems.map(\.path) == [path] && e.problems.map(\.message) == [message])
    }

    @Test func goodCountersAreTheRequestsThatWereNotBad() {
        var a = ArmCounts(requests: 100)
        a.custom = [7]
        let out = SimulationRun.asReported(ArmPair(baseline: a, candidate: a), Self.policy(.good))
        #expect(out.baseline.custom == [93] && out.candidate.custom == [93])
        #expect(SimulationRun.asReported(ArmPair(baseline: a, candidate: a), Self.policy(.bad)).candidate.custom == [7])
    }
}
