/// What `glidepath simulate` runs.
public struct SimulationOptions: Equatable, Sendable {
    /// Scenario ids in `Scenario.catalogue`; empty: all of them.
    public var scenarios: [String]
    /// Total request rates (req/s); nil: each scenario's defaults (1, 10, 100, 1,000; S5: 1 and 0.1).
    public var rates: [Double]?
    /// Runs per (scenario, rate, judge); nil: each scenario's default (S1 2,000, S6 1,000, S5 500, others 300).
    public var runs: Int?
    public var seed: UInt64
    public var judges: [SimulatedJudge]
    public var json: Bool

    public init(scenarios: [String] = [], rates: [Double]? = nil, runs: Int? = nil, seed: UInt64 = 1,
                judges: [SimulatedJudge] = SimulatedJudge.allCases, json: Bool = false) {
        self.scenarios = scenarios
        self.rates = rates
        self.runs = runs
        self.seed = seed
        self.judges = judges
        self.json = json
    }
}
