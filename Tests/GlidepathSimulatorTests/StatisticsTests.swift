import Testing
@testable import GlidepathSimulator

@Suite struct StatisticsTests {
    @Test func nearestRankQuantiles() {
        let v = (1...10).map(Double.init).reversed().map { $0 }
        #expect(Statistics.quantile(0.5, of: v) == 5)
        #expect(Statistics.quantile(0.9, of: v) == 9)
        #expect(Statistics.quantile(1, of: v) == 10)
        #expect(Statistics.quantile(0.5, of: []) == nil)
    }

    @Test func upperBoundWithoutEventsIsTheRuleOfThree() {
        #expect(abs(Statistics.upper95(events: 0, trials: 2000) - 0.0014967) < 1e-6)
        #expect(Statistics.upper95(events: 5, trials: 5) == 1)
    }

    /// Clopper–Pearson one-sided 95 % bounds (checked against scipy's beta.ppf(0.95, k + 1, n − k)).
    @Test(arguments: [(1, 100, 0.0465598), (10, 2000, 0.0084663), (3, 50, 0.1478372)])
    func clopperPearsonUpperBounds(events: Int, trials: Int, expected: Double) {
        #expect(abs(Statistics.upper95(events: events, trials: trials) - expected) < 2e-5)
    }
}
