import GlidepathCore

/// One simulated situation: the traffic, both arms' behaviour, and when (if ever) the candidate regresses.
package struct Scenario: Hashable, Sendable {
    /// How the total request rate moves over time (a factor applied to the scenario's rate R).
    package enum Traffic: Hashable, Sendable {
        /// R all the time.
        case steady
        /// `high` × R and `low` × R alternating, each for `periodSeconds` (high first).
        case bursty(periodSeconds: Int64, high: Double, low: Double)
        /// R for `onSeconds`, then no traffic at all for `offSeconds`, repeating.
        case gaps(onSeconds: Int64, offSeconds: Int64)
        /// 24 hourly factors (a traffic profile's `diurnal`): hour h of the run (counted from its start,
        /// repeating every day) runs at `factors[h mod 24]` × R.
        case diurnal([Double])

        /// The factor applied to R during the interval starting `seconds` after the migration began.
        package func factor(atSeconds seconds: Int64) -> Double {
            switch self {
            case .steady: return 1
            case .bursty(let period, let high, let low):
                return (seconds / period) % 2 == 0 ? high : low
            case .gaps(let on, let off):
                return seconds % (on + off) < on ? 1 : 0
            case .diurnal(let factors):
                return factors[Int((seconds / 3600) % 24)]
            }
        }
    }

    /// When the candidate starts to behave worse than the baseline.
    package enum Onset: Hashable, Sendable {
        /// From the first request.
        case start
        /// From this many seconds after the migration began.
        case atSeconds(Int64)
        /// From this many seconds into the step with this 0-based index (the middle of a 2-minute bake
        /// is 60 s in); a run that never gets there never regresses.
        case intoStep(Int, seconds: Int64)
    }

    /// An outage of a shared dependency: both arms fail at `errorRate` between the two times
    /// (seconds since the migration began), whatever their own rates.
    package struct Spike: Hashable, Sendable {
        package var startSeconds: Int64
        package var endSeconds: Int64
        package var errorRate: Double

        package init(startSeconds: Int64, endSeconds: Int64, errorRate: Double) {
            self.startSeconds = startSeconds
            self.endSeconds = endSeconds
            self.errorRate = errorRate
        }
    }

    /// From `atSeconds` on, `arm` behaves as `behaviour` (a traffic profile's `changes`, each carrying the
    /// arm's whole behaviour after it, the earlier changes included).
    package struct Change: Hashable, Sendable {
        package var atSeconds: Int64
        package var arm: Arm
        package var behaviour: ArmBehaviour

        package init(atSeconds: Int64, arm: Arm, behaviour: ArmBehaviour) {
            self.atSeconds = atSeconds
            self.arm = arm
            self.behaviour = behaviour
        }
    }

    /// Short name used on the command line and in the output (`S1`, `S2b`, ...).
    package var id: String
    /// One line for the table's legend.
    package var title: String
    /// True when the candidate is as good as the baseline (A/A): any rollback is a false rollback and
    /// the right decision is promotion.
    package var healthy: Bool
    /// Total rates R (req/s) run by default.
    package var defaultRates: [Double]
    /// Runs per (rate, judge) by default.
    package var defaultRuns: Int
    /// Virtual time simulated at most per run, in seconds.
    package var horizonSeconds: Int64
    package var traffic: Traffic
    /// The baseline's behaviour (before any `changes` to it).
    package var baseline: ArmBehaviour
    /// The candidate's behaviour before its regression (and before any `changes` to it).
    package var candidate: ArmBehaviour
    /// The candidate's behaviour from the onset on; nil: the candidate follows `candidate` and `changes`
    /// only (traffic profiles, whose onset is their first change).
    package var regressed: ArmBehaviour?
    package var onset: Onset
    package var spike: Spike?
    /// Changes at fixed times, in time order (traffic profiles).
    package var changes: [Change]
    /// Without `--policy`, the standard simulation policy gains `guards.ttft` (defaults) for this scenario.
    package var guardsTTFT: Bool
    /// Without `--policy`, the standard simulation policy gains `guards.tokens` (defaults).
    package var guardsTokens: Bool
    /// Run by `glidepath simulate` without `--scenario` (otherwise only when named, or with `all`).
    package var inDefaultSuite: Bool

    /// A benchmark scenario: the baseline fails `baselineErrorRate` of its requests with latency
    /// `baselineLatency` (and TTFT `ttft`, tokens `tokens` when given), the candidate is identical until
    /// the onset, then fails `candidateErrorFactor` × as often with latency `candidateLatency` and TTFT
    /// `candidateTTFT` (each defaulting to the baseline's).
    package init(id: String, title: String, healthy: Bool, defaultRates: [Double], defaultRuns: Int,
                horizonSeconds: Int64, traffic: Traffic = .steady, baselineErrorRate: Double = 0.01,
                candidateErrorFactor: Double = 1, candidateLatency: LatencyModel? = nil,
                onset: Onset = .start, spike: Spike? = nil, baselineLatency: LatencyModel = .standard,
                ttft: LatencyModel? = nil, candidateTTFT: LatencyModel? = nil, tokens: TokensModel? = nil,
                guardsTTFT: Bool = false, inDefaultSuite: Bool = true) {
        let base = ArmBehaviour(errorRate: baselineErrorRate, latency: baselineLatency, ttft: ttft, tokens: tokens)
        let bad = ArmBehaviour(errorRate: min(1, baselineErrorRate * candidateErrorFactor),
                               latency: candidateLatency ?? baselineLatency, ttft: candidateTTFT ?? ttft,
                               tokens: tokens)
        self.init(id: id, title: title, healthy: healthy, defaultRates: defaultRates, defaultRuns: defaultRuns,
                  horizonSeconds: horizonSeconds, traffic: traffic, baseline: base, candidate: base,
                  regressed: healthy ? nil : bad, onset: onset, spike: spike, guardsTTFT: guardsTTFT,
                  inDefaultSuite: inDefaultSuite)
    }

    /// Every field given.
    package init(id: String, title: String, healthy: Bool, defaultRates: [Double], defaultRuns: Int,
                horizonSeconds: Int64, traffic: Traffic, baseline: ArmBehaviour, candidate: ArmBehaviour,
                regressed: ArmBehaviour?, onset: Onset, spike: Spike? = nil, changes: [Change] = [],
                guardsTTFT: Bool = false, guardsTokens: Bool = false, inDefaultSuite: Bool = true) {
        self.id = id
        self.title = title
        self.healthy = healthy
        self.defaultRates = defaultRates
        self.defaultRuns = defaultRuns
        self.horizonSeconds = horizonSeconds
        self.traffic = traffic
        self.baseline = baseline
        self.candidate = candidate
        self.regressed = regressed
        self.onset = onset
        self.spike = spike
        self.changes = changes
        self.guardsTTFT = guardsTTFT
        self.guardsTokens = guardsTokens
        self.inDefaultSuite = inDefaultSuite
    }

    /// The candidate's latency once regressed.
    package var candidateLatency: LatencyModel { (regressed ?? candidate).latency }

    /// The arms' behaviours during the interval starting at `seconds`, given whether the candidate has
    /// regressed (the onset), before a spike.
    func behaviours(atSeconds seconds: Int64, regressed isRegressed: Bool) -> (baseline: ArmBehaviour,
                                                                               candidate: ArmBehaviour) {
        var b = baseline
        var c = isRegressed ? (regressed ?? candidate) : candidate
        for change in changes where change.atSeconds <= seconds {
            if change.arm == .baseline { b = change.behaviour } else { c = change.behaviour }
        }
        return (b, c)
    }

    /// The policy a run of `judge` uses: `custom` (a user's `--policy`, as it is) or the standard one with
    /// the scenario's guards added; `judge` set to this judge's.
    package func policy(_ custom: Policy?, judge: JudgeKind) -> Policy {
        var policy = SimulationPolicy.policy(custom, judge: judge)
        if custom == nil {
            if guardsTTFT { policy.guards.ttft = TTFTGuard() }
            if guardsTokens { policy.guards.tokens = RatioGuard() }
        }
        return policy
    }
}
