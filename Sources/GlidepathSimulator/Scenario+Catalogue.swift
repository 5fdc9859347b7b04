extension Scenario {
    /// The scenarios of the benchmark (design: "The simulator and the benchmark"). Every run starts at
    /// step 0 of `SimulationPolicy.standard` (5/10/25/50/100 %, 2-minute bakes, 10 s interval).
    ///
    /// Common to all: baseline error rate 1 %, baseline latency lognormal with median 100 ms and σ 0.5,
    /// total rates R = 1, 10, 100, 1,000 req/s (S5: 1 and 0.1), a 2-hour horizon (S5: 4 hours).
    /// Runs per rate and judge: 2,000 for S1 (the false-rollback benchmark: with no rollback its 95 %
    /// upper bound is 0.15 %), 1,000 for S6 and 500 for S5 (enough to show ≤ 1 % with one false rollback;
    /// S5's long holds make it the costliest scenario per run), 300 for the scenarios with a regression.
    /// These keep the whole default suite within about a minute on 2 cores.
    ///
    /// - S1: A/A, the candidate identical to the baseline.
    /// - S2: candidate error rate 2 % (2×) from the start. S2b: 2× from 60 s into step 1 (10 %), the
    ///   middle of its 2-minute bake.
    /// - S3: candidate error rate 10 % (10×) from the start. S3b: 10× from t = 5 min, while the ramp is
    ///   under way (the design names t = 10 min for its 10-minute bakes; with the 2-minute bakes used here
    ///   the ramp ends at 10 min, so the onset moves to the same point of the ramp).
    /// - S4: candidate latency × 1.5 over the whole distribution (median 150 ms, same σ).
    ///   S4b: tail only: 1.7 % of candidate requests come from a slower lognormal (median 500 ms, σ 0.5),
    ///   the share chosen so the candidate's p99 is exactly 1.5 × the baseline's (≈ 320 → 480 ms) while
    ///   its median moves by under 2 %.
    /// - S5: A/A at low traffic: 30 minutes of traffic, then 15 minutes of none, repeating; the policy's
    ///   `maxHold` (1 hour, `onStuck: hold`) applies. The right outcome is a hold that alerts, not a promotion
    ///   without exposure; promotion still counts as the "decision" in its columns.
    /// - S6: A/A with bursty traffic, ×10 and ×0.1 of R alternating every minute (high first, so the mean
    ///   rate is 5.05 R), and a common-mode error spike: both arms fail 20 % of requests from t = 5 to 8 min
    ///   (a shared dependency's outage). S6b: the same with a 2× candidate from the start; during the spike
    ///   both arms fail at 20 % (the outage masks the regression).
    package static let catalogue: [Scenario] = {
        let rates: [Double] = [1, 10, 100, 1000]
        let twoHours: Int64 = 7200
        let spike = Spike(startSeconds: 300, endSeconds: 480, errorRate: 0.2)
        let bursts = Traffic.bursty(periodSeconds: 60, high: 10, low: 0.1)
        let base = LatencyModel.standard.components[0]
        return [
            Scenario(id: "S1", title: "A/A, 1% errors, lognormal 100 ms", healthy: true, defaultRates: rates,
                     defaultRuns: 2000, horizonSeconds: twoHours),
            Scenario(id: "S2", title: "errors 2x from the start", healthy: false, defaultRates: rates,
                     defaultRuns: 300, horizonSeconds: twoHours, candidateErrorFactor: 2),
            Scenario(id: "S2b", title: "errors 2x from mid-step (60 s into 10%)", healthy: false,
                     defaultRates: rates, defaultRuns: 300, horizonSeconds: twoHours, candidateErrorFactor: 2,
                     onset: .intoStep(1, seconds: 60)),
            Scenario(id: "S3", title: "errors 10x from the start", healthy: false, defaultRates: rates,
                     defaultRuns: 300, horizonSeconds: twoHours, candidateErrorFactor: 10),
            Scenario(id: "S3b", title: "errors 10x from t=5 min (mid-ramp)", healthy: false, defaultRates: rates,
                     defaultRuns: 300, horizonSeconds: twoHours, candidateErrorFactor: 10,
                     onset: .atSeconds(300)),
            Scenario(id: "S4", title: "latency +50% (median x1.5)", healthy: false, defaultRates: rates,
                     defaultRuns: 300, horizonSeconds: twoHours,
                     candidateLatency: .lognormal(medianSeconds: 0.15, sigma: 0.5)),
            Scenario(id: "S4b", title: "latency tail: p99 +50%, p50 ~same", healthy: false, defaultRates: rates,
                     defaultRuns: 300, horizonSeconds: twoHours,
                     candidateLatency: .tailRegression(of: base, p99Factor: 1.5, slowMedianSeconds: 0.5)),
            Scenario(id: "S5", title: "A/A, low traffic, 15-min gaps", healthy: true, defaultRates: [1, 0.1],
                     defaultRuns: 500, horizonSeconds: 4 * 3600,
                     traffic: .gaps(onSeconds: 1800, offSeconds: 900)),
            Scenario(id: "S6", title: "A/A, bursts x10/x0.1, 20% spike both", healthy: true,
                     defaultRates: rates, defaultRuns: 1000, horizonSeconds: twoHours, traffic: bursts,
                     spike: spike),
            Scenario(id: "S6b", title: "as S6, errors 2x", healthy: false, defaultRates: rates,
                     defaultRuns: 300, horizonSeconds: twoHours, traffic: bursts, candidateErrorFactor: 2,
                     spike: spike),
        ]
    }()

    /// The scenario with this id (case-insensitive), if any.
    package static func named(_ id: String) -> Scenario? {
        catalogue.first { $0.id.lowercased() == id.lowercased() }
    }
}
