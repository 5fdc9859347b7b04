/// A mean-ratio guard of the sequential judge: `guards.tokens` (tokens per successful request) or
/// `guards.cost` (cost per judged request), candidate / baseline, against the null "ratio ≤ `maxRatio`".
/// Rollback only: these guards never gate advancing.
///
/// It is `RatioEProcess`'s split test on real-valued events: per tick, each arm's amount (tokens, or
/// cost) divided by a unit `u`, over its trials (successful requests, or judged requests). The test is
/// exact for Poisson counts; an amount `Y` per trial with mean `μ` and coefficient of variation `CV`
/// has, in units of `u`, a variance-to-mean ratio (dispersion) of `CV² · μ / u`.
/// **`u = 4 × the baseline's mean per trial`** makes that `CV² / 4`: at most 1 — no more dispersed than
/// Poisson, so the e-process is (to second order) a supermartingale under the null — for any `CV` up
/// to 2 (tokens per response are typically 0.5–1.5). A larger `u` would be safer still and slower: one
/// unit is a quarter of an average request, so evidence accrues per four requests' worth of tokens.
/// This is the quasi-Poisson assumption; an amount more dispersed than `CV ≈ 2` (rare huge responses)
/// makes the test anti-conservative.
///
/// `u` is taken like the latency thresholds, from data the guard does not test: the baseline of the
/// previous step, else this step's first `minimumBaseline` baseline trials (counting from the next
/// tick), and frozen for the step (a unit that moved with the data would break the e-process).
package struct MeanRatioGuard: Hashable, Sendable, Codable {
    /// The frozen unit `u`, in tokens or currency units; nil while warming up.
    package var unit: Double?
    /// "Candidate's mean no more than `maxRatio` × the baseline's" (alternatives above it).
    package var rollback: RatioEProcess
    /// Trials and amounts per arm since the unit froze (what the reasons quote).
    package var candidateTrials: UInt64 = 0
    package var candidateAmount: Double = 0
    package var baselineTrials: UInt64 = 0
    package var baselineAmount: Double = 0

    /// `u` in multiples of the baseline's mean per trial.
    package static let unitMultiple = 4.0
    /// Baseline trials whose mean is trusted as the unit (a mean of 300 with `CV` 2 is within ±12 % at
    /// one standard error; an underestimated unit raises the dispersion above `CV² / 4`).
    package static let minimumBaseline: UInt64 = 300

    /// A guard against "ratio ≤ `maxRatio`", alternatives `maxRatio × {1.5, 2, 3, 5, 10}`.
    package init(maxRatio: Double) {
        rollback = RatioEProcess(null: maxRatio, alternatives: EProcess.rollbackMultiples.map { maxRatio * $0 })
    }

    /// Freezes the unit from a baseline's `amount` over `trials`, unless frozen already, too few
    /// trials, or a mean of 0 (a baseline that reports no tokens, or costs nothing, gives no unit).
    package mutating func freeze(trials: UInt64, amount: Double) {
        guard unit == nil, trials >= Self.minimumBaseline, amount > 0, amount.isFinite else { return }
        unit = Self.unitMultiple * amount / Double(trials)
    }

    /// Adds one tick's trials and amounts per arm (nothing while warming up).
    package mutating func update(candidateTrials nc: UInt64, candidateAmount ac: Double,
                                baselineTrials nb: UInt64, baselineAmount ab: Double) {
        guard let unit else { return }
        rollback.update(candidateTrials: nc, candidateAmount: ac / unit, baselineTrials: nb, baselineAmount: ab / unit)
        candidateTrials &+= nc
        candidateAmount += ac
        baselineTrials &+= nb
        baselineAmount += ab
    }

    /// Mean per trial since the unit froze; nil without trials.
    package var candidateMean: Double? { candidateTrials == 0 ? nil : candidateAmount / Double(candidateTrials) }
    package var baselineMean: Double? { baselineTrials == 0 ? nil : baselineAmount / Double(baselineTrials) }
}
