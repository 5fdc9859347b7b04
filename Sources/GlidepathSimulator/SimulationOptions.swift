import GlidepathCore

/// What `glidepath simulate` runs.
package struct SimulationOptions: Equatable, Sendable {
    /// Scenario ids in `Scenario.catalogue`; empty: the default suite (every scenario with `inDefaultSuite`).
    package var scenarios: [String]
    /// Total request rates (req/s); nil: each scenario's defaults (1, 10, 100, 1,000; S5: 1 and 0.1).
    package var rates: [Double]?
    /// Runs per (scenario, rate, judge); nil: each scenario's default (S1 2,000, S6 1,000, S5 500, others 300).
    package var runs: Int?
    package var seed: UInt64
    /// Judges to compare; nil: all three for the built-in scenarios, the policy's judge for a traffic profile.
    package var judges: [SimulatedJudge]?
    package var json: Bool
    /// `--policy FILE`: the file to read (by the command) into `policy`.
    package var policyFile: String?
    /// The policy every run uses, its `judge` field set to each judge's; nil: `SimulationPolicy.standard`.
    package var policy: Policy?
    /// `--horizon`: virtual time simulated at most per run, for every scenario; nil: each scenario's own
    /// (2 hours; S5 4 hours; a traffic profile its `hours`).
    package var horizon: TimeSpan?
    /// `--traffic FILE`: the traffic profile to read (by the command) into `profile`.
    package var trafficFile: String?
    /// The traffic profile run instead of the built-in scenarios.
    package var profile: Scenario?
    /// `--replay FILE`: a recorded log to replay through the policy instead of simulating.
    package var replayFile: String?
    /// `--start`: the wall time (ms since the Unix epoch) the virtual clock starts at, for a policy's calendar
    /// (`schedule`, `steps[].notBefore`); the command sets it to now when not given.
    package var start: Int64? = nil

    /// Longest `--horizon`: 30 days.
    package static let maximumHorizon = TimeSpan.days(30)
    /// Shortest `--horizon`: one minute.
    package static let minimumHorizon = TimeSpan.minutes(1)

    package init(scenarios: [String] = [], rates: [Double]? = nil, runs: Int? = nil, seed: UInt64 = 1,
                judges: [SimulatedJudge]? = nil, json: Bool = false, policyFile: String? = nil,
                policy: Policy? = nil, horizon: TimeSpan? = nil, trafficFile: String? = nil,
                profile: Scenario? = nil, replayFile: String? = nil) {
        self.scenarios = scenarios
        self.rates = rates
        self.runs = runs
        self.seed = seed
        self.judges = judges
        self.json = json
        self.policyFile = policyFile
        self.policy = policy
        self.horizon = horizon
        self.trafficFile = trafficFile
        self.profile = profile
        self.replayFile = replayFile
    }

    /// The judges run: `judges`, or by default all three for the built-in scenarios and the policy's
    /// judge (sequential without `--policy`) for a traffic profile.
    package var effectiveJudges: [SimulatedJudge] {
        if let judges { return judges }
        guard profile != nil else { return SimulatedJudge.allCases }
        return [policy?.judge == .threshold ? .threshold : .sequential]
    }
}
