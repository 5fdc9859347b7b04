import GlidepathCore
import Testing
@testable import GlidepathDemo

/// When the demo is done, and what it says at the end.
@Suite struct DemoOutcomeTests {
    typealias O = DemoOutcome.Observed
    static let plan = DemoPlan()

    static func observed(_ healthy: O?, _ faulty: O?) -> [String: O] {
        var out: [String: O] = [:]
        if let healthy { out["demo-healthy"] = healthy }
        if let faulty { out["demo-faulty"] = faulty }
        return out
    }

    @Test func bothAtTheirOutcomeIsReached() {
        let o = Self.observed((.promoted, 3, "all traffic"), (.rolledBack, 0, "errors"))
        #expect(DemoOutcome.assess(Self.plan, observed: o, elapsed: 40) == .reached)
        #expect(DemoOutcome.assess(Self.plan, observed: o, elapsed: 500) == .reached)
    }

    @Test func oneStillRampingBeforeTheTimeoutIsRunning() {
        let o = Self.observed((.ramping, 1, "waiting"), (.rolledBack, 0, "errors"))
        #expect(DemoOutcome.assess(Self.plan, observed: o, elapsed: 179.9) == .running)
    }

    @Test func aMigrationThatEndedElsewhereFailsAtOnce() {
        let o = Self.observed((.rolledBack, 1, "candidate error rate 3%"), (.ramping, 0, "waiting"))
        #expect(DemoOutcome.assess(Self.plan, observed: o, elapsed: 10)
                == .failed("demo-healthy was rolled back, expected promoted: candidate error rate 3%"))
        let p = Self.observed((.promoted, 3, "x"), (.promoted, 3, "all traffic"))
        #expect(DemoOutcome.assess(Self.plan, observed: p, elapsed: 10)
                == .failed("demo-faulty was promoted, expected rolled back: all traffic"))
    }

    @Test func theTimeoutSaysWhereEachUnfinishedMigrationIs() {
        let o = Self.observed((.ramping, 1, "waiting for evidence"), (.rolledBack, 0, "errors"))
        #expect(DemoOutcome.assess(Self.plan, observed: o, elapsed: 180) == .failed(
            "no outcome after 180 s: demo-healthy is still ramping at step 2/4 (25 %): waiting for evidence"))
    }

    @Test func aMissingMigrationFails() {
        #expect(DemoOutcome.assess(Self.plan, observed: Self.observed(nil, (.ramping, 0, "")), elapsed: 1)
                == .failed("demo-healthy is not on the controller any more"))
    }

    @Test func theSummaryTellsHowEachEndedAndWhatTrafficWasSent() {
        let o = Self.observed((.promoted, 3, "candidate takes all traffic"), (.rolledBack, 0, "candidate error rate 8.1%"))
        let sent = ["legacy": DemoTraffic.Tally(requests: 12_000, errors: 120), "candidate-ok": .init(requests: 2_500, errors: 12),
                    "candidate-bad": .init(requests: 61, errors: 5)]
        #expect(DemoReport.summary(Self.plan, observed: o, reachedAfter: ["demo-healthy": 41.4, "demo-faulty": 5.2],
                                   sent: sent, fallbacks: 4) == """
            demo-healthy  promoted after 41 s, as expected: candidate takes all traffic
            demo-faulty   rolled back after 5 s, as expected: candidate error rate 8.1%
            traffic       14,561 requests: legacy 12,000 (1.0% failed), candidate-ok 2,500 (0.5% failed), \
            candidate-bad 61 (8.2% failed); 4 failed candidate calls answered by the baseline instead

            """)
    }

    @Test func anInterruptedDemoSaysWhereTheUnfinishedMigrationWas() {
        let o = Self.observed((.ramping, 1, "waiting for evidence"), (.rolledBack, 0, "errors"))
        let text = DemoReport.summary(Self.plan, observed: o, reachedAfter: ["demo-faulty": 6], sent: [:], fallbacks: 0)
        #expect(text.hasPrefix("""
            demo-healthy  still ramping at step 2/4, expected promoted: waiting for evidence
            demo-faulty   rolled back after 6 s, as expected: errors
            traffic       0 requests; 0 failed
            """))
    }

    @Test func theIntroGivesTheURLsToOpen() {
        let text = DemoReport.intro(Self.plan, controllerURL: "http://127.0.0.1:4321", keep: false)
        #expect(text.contains("  status page  http://127.0.0.1:4321/\n  metrics      http://127.0.0.1:4321/metrics\n"))
        #expect(text.contains("  provider     candidate-bad  8% errors, p50 40 ms, p99 160 ms\n"))
        #expect(text.contains("250 req/s per migration from 12 workers over 2 shims, 2000 sticky keys; steps 5%/25%/50%/100%, "
                              + "5 s bakes"))
    }

    @Test(arguments: [(0.0, "0"), (999, "999"), (1000, "1,000"), (1_234_567, "1,234,567"), (2.5, "2.5")])
    func numbersAreGrouped(value: Double, text: String) {
        #expect(DemoReport.number(value) == text)
    }
}
