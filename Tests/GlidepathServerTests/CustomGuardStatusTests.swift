import GlidepathCore
import Testing
@testable import GlidepathServer

/// `guards.custom` where people look: `stepCounts.<arm>.custom` of the status JSON and the status
/// page's evidence tables (both judges). The `glidepath_guard_evidence` gauge takes every evidence entry,
/// so it carries `guard="custom:<name>"` with nothing added.
@Suite struct CustomGuardStatusTests {
    static let jsonParse = CustomGuard(name: "json_parse", kind: .bad, counter: CounterRef(metric: "copy_parse_failures_total"),
                                       maxRatio: 2, maxRatePercent: 5)
    static let thumbsUp = CustomGuard(name: "thumbs_up", kind: .good, counter: CounterRef(metric: "copy_feedback_total"),
                                      maxRatio: 1.5)

    static func policy(_ judge: JudgeKind) -> Policy {
        var p = Policy(migration: "copy", baseline: "openai", candidate: "holysheep",
                       steps: [Step(weight: Weight(basisPoints: 1_000)), Step(weight: .full)])
        p.judge = judge
        p.guards.custom = [jsonParse, thumbsUp]
        return p
    }

    @Test func stepCountsCarryEachGuardsCountAndBadShare() {
        var c = ArmCounts(requests: 1_000, errors: 5)
        c.custom = [12]  // the thumbs_up counter not given yet
        #expect(StatusJSON.counts(c, arm: .candidate, policy: Self.policy(.sequential)).rendered.hasSuffix(
            #","custom":{"json_parse":{"kind":"bad","count":12,"badShare":0.012},"thumbs_up":null}}"#))
        c.custom = [12, 990]
        #expect(StatusJSON.counts(c, arm: .candidate, policy: Self.policy(.sequential)).rendered.hasSuffix(
            #","thumbs_up":{"kind":"good","count":990,"badShare":0.01}}}"#))
        // Without custom guards the document is what it was.
        var plain = Self.policy(.sequential)
        plain.guards.custom = []
        #expect(!StatusJSON.counts(c, arm: .candidate, policy: plain).rendered.contains("custom"))
    }

    @Test func sequentialTablesShowTheGuardAndItsLimit() {
        let ev = [
            GuardEvidence(guardName: .errors, test: .safetyEValue, value: 25),
            GuardEvidence(guardName: .custom("json_parse"), test: .candidateRate, value: 0.041),
            GuardEvidence(guardName: .custom("json_parse"), test: .baselineRate, value: 0.009),
            GuardEvidence(guardName: .custom("json_parse"), test: .rollbackEValue, value: 150),
            GuardEvidence(guardName: .custom("json_parse"), test: .safetyEValue, value: 0.2),
            GuardEvidence(guardName: .custom("json_parse"), test: .maxRateEValue, value: 3),
            GuardEvidence(guardName: .custom("thumbs_up"), test: .rollbackEValue, value: 1),
            GuardEvidence(guardName: .custom("thumbs_up"), test: .safetyEValue, value: 1),
            GuardEvidence(guardName: .combined, test: .rollbackEValue, value: 10),
            GuardEvidence(guardName: .combined, test: .rollbackThreshold, value: 180),
            GuardEvidence(guardName: .combined, test: .absoluteThreshold, value: 200),
            GuardEvidence(guardName: .combined, test: .safetyThreshold, value: 20),
        ]
        let html = StatusPage.sequentialTables(Self.policy(.sequential), ev)
        #expect(html.contains("<b>json_parse</b></td><td>custom guard, bad share: candidate 4.1% vs baseline 0.9%</td>"))
        #expect(html.contains("<b>thumbs_up</b></td><td><span class=\"muted\">custom guard: no counter from the metrics "
            + "source yet</span></td>"))
        #expect(html.contains("json_parse 150"))
        #expect(html.contains("<td>json_parse bad share above 5%</td>"))
    }

    @Test func thresholdTableShowsTheRatioAndTheRate() {
        let ev = [
            GuardEvidence(guardName: .custom("json_parse"), test: .candidateRate, value: 0.06),
            GuardEvidence(guardName: .custom("json_parse"), test: .baselineRate, value: 0.02),
            GuardEvidence(guardName: .custom("json_parse"), test: .ratio, value: 3),
            GuardEvidence(guardName: .checks, test: .failedChecks, value: 1),
        ]
        let html = StatusPage.thresholdTable(Self.policy(.threshold), ev)
        #expect(html.contains("<b>json_parse</b></td><td>custom guard, bad share: candidate 6.0% vs baseline 2.0%</td>"))
        #expect(html.contains("<td class=\"num\">3.0× / 2.0×</td>"))
        #expect(html.contains("<b>json_parse rate</b></td><td>candidate bad share against maxRate</td>"))
        #expect(html.contains("<td class=\"num\">6.0% / 5%</td>"))
    }
}
