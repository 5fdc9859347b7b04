import Testing
@testable import GlidepathSimulator

@Suite struct ReportTests {
    @Test(arguments: [(0.0, "0%"), (1.0, "100%"), (0.0015, "0.15%"), (0.123, "12.3%")])
    func percents(value: Double, text: String) {
        #expect(SimulationReport.percent(value) == text)
    }

    @Test(arguments: [(20.0, "20s"), (119.4, "119s"), (390, "6.5m"), (7200, "2.0h"), (108_000, "30.0h"), (259_200, "3.0d"),
                        (2_592_000, "30.0d")])
    func durations(seconds: Double, text: String) {
        #expect(SimulationReport.duration(seconds) == text)
    }

    @Test func jsonHasEveryField() {
        let rows = Simulator.run(SimulationOptions(scenarios: ["S1", "S3"], rates: [100], runs: 5, judges: [.ztest]))
        let json = SimulationReport.json(rows)
        for key in ["scenario", "rate", "judge", "runs", "falseRollbackRate", "falseRollbackUpper95", "rolledBackRate",
                    "promotedRate", "heldRate", "medianDecisionSeconds", "p90DecisionSeconds",
                    "medianExcessFailures", "p90ExcessFailures"] {
            #expect(json.contains("\"\(key)\""))
        }
        #expect(json.contains("\"falseRollbackRate\": null"))
        #expect(json.hasPrefix("["))
    }

    @Test func tableHasAHeaderARowPerJobAndALegend() {
        let rows = Simulator.run(SimulationOptions(scenarios: ["S3"], rates: [100, 1000], runs: 5,
                                                   judges: [.threshold, .ztest]))
        let lines = SimulationReport.table(rows).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("scenario  rate  judge"))
        #expect(lines[1].hasPrefix("S3 ") && lines[1].contains("threshold"))
        #expect(lines[4].hasPrefix("S3 ") && lines[4].contains("1000") && lines[4].contains("ztest"))
        #expect(lines.contains("S3: errors 10x from the start"))
    }
}
