import GlidepathCore

/// What `glidepath simulate` runs.
package struct SimulationOptions: Equatable, Sendable {
    /// Scenario ids in `Scenario.catalogue`; empty: all of them.
    package var scenarios: [String]
    /// Total request rates (req/s); nil: each scenario's defaults (1, 10, 100, 1,000; S5: 1 and 0.1).
    package var rates: [Double]?
    /// Runs per (scenario, rate, judge); nil: each scenario's default (S1 2,000, S6 1,000, S5 500, others 300).
    package var runs: Int?
    package var seed: UInt64
    package var judges: [SimulatedJudge]
    package var json: Bool
    /// `--policy FILE`: the file to read (by the command) into `policy`.
    package var policyFile: String?
    /// The policy every run uses, its `judge` field set to each judge's; nil: `SimulationPolicy.standard`.
    package var policy: Policy?

    package init(scenarios: [String] = [], rates: [Double]? = nil, runs: Int? = nil, seed: UInt64 = 1,
                judges: [SimulatedJudge] = SimulatedJudge.allCases, json: Bool = false, policyFile: String? = nil,
                policy: Policy? = nil) {
        self.scenarios = scenarios
        self.rates = rates
        self.runs = runs
        self.seed = seed
        self.judges = judges
        self.json = json
        self.policyFile = policyFile
        self.policy = policy
    }
}
