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

        /// The factor applied to R during the interval starting `seconds` after the migration began.
        package func factor(atSeconds seconds: Int64) -> Double {
            switch self {
            case .steady: return 1
            case .bursty(let period, let high, let low):
                return (seconds / period) % 2 == 0 ? high : low
            case .gaps(let on, let off):
                return seconds % (on + off) < on ? 1 : 0
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
    package var baselineErrorRate: Double
    /// Candidate error rate = baseline × this, once regressed.
    package var candidateErrorFactor: Double
    /// Candidate latency once regressed (the baseline's is always `LatencyModel.standard`).
    package var candidateLatency: LatencyModel
    package var onset: Onset
    package var spike: Spike?

    package init(id: String, title: String, healthy: Bool, defaultRates: [Double], defaultRuns: Int,
                horizonSeconds: Int64, traffic: Traffic = .steady, baselineErrorRate: Double = 0.01,
                candidateErrorFactor: Double = 1, candidateLatency: LatencyModel = .standard,
                onset: Onset = .start, spike: Spike? = nil) {
        self.id = id
        self.title = title
        self.healthy = healthy
        self.defaultRates = defaultRates
        self.defaultRuns = defaultRuns
        self.horizonSeconds = horizonSeconds
        self.traffic = traffic
        self.baselineErrorRate = baselineErrorRate
        self.candidateErrorFactor = candidateErrorFactor
        self.candidateLatency = candidateLatency
        self.onset = onset
        self.spike = spike
    }

    /// The arms' error rates during the interval starting at `seconds`, given whether the candidate has regressed.
    func errorRates(atSeconds seconds: Int64, regressed: Bool) -> (baseline: Double, candidate: Double) {
        if let spike, seconds >= spike.startSeconds, seconds < spike.endSeconds {
            return (spike.errorRate, spike.errorRate)
        }
        let candidate = regressed ? min(1, baselineErrorRate * candidateErrorFactor) : baselineErrorRate
        return (baselineErrorRate, candidate)
    }
}
