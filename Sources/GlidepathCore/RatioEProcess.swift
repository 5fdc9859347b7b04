#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A two-arm, count-based e-process on the ratio `r` of the candidate's bad-event rate to the
/// baseline's.
///
/// Given a bad event in a tick where the candidate took the share `w = n_c / (n_c + n_b)` of the
/// judged requests, it came from the candidate with probability `π(r) = w·r / (w·r + 1 − w)`.
/// Each alternative `r_k` keeps
/// `logL_k += e_c·log(π(r_k)/π(r0)) + e_b·log((1 − π(r_k))/(1 − π(r0)))` against the null `r0`, and
/// the e-value is `mean_k exp(logL_k)`. Conditioning on the realised share makes load swings,
/// bursts and outages that hit both arms cancel out.
///
/// Valid for the composite null on the side of `r0` away from the alternatives (every likelihood
/// ratio has expectation ≤ 1 there): rollback uses alternatives above `r0` ("no worse than r0"),
/// safety uses alternatives below `r_bad` ("at least r_bad worse").
package struct RatioEProcess: Hashable, Sendable, Codable {
    /// The null ratio `r0`.
    package var null: Double
    /// The alternative ratios `r_k`.
    package var alternatives: [Double]
    /// `logL_k`, one per alternative.
    package var logL: [Double]

    package init(null: Double, alternatives: [Double]) {
        self.null = null
        self.alternatives = alternatives
        self.logL = Array(repeating: 0, count: alternatives.count)
    }

    /// Adds one tick: `candidateTrials`/`baselineTrials` judged requests, of which
    /// `candidateEvents`/`baselineEvents` were bad. A tick where one arm saw nothing (`w` is 0 or 1)
    /// or no bad event happened says nothing and changes nothing.
    package mutating func update(candidateTrials: UInt64, candidateEvents: UInt64,
                                baselineTrials: UInt64, baselineEvents: UInt64) {
        update(candidateTrials: candidateTrials, candidateAmount: Double(candidateEvents),
               baselineTrials: baselineTrials, baselineAmount: Double(baselineEvents))
    }

    /// The same update on real-valued "events": `candidateAmount`/`baselineAmount` are amounts in a
    /// unit `u` (tokens / u, cost / u) over the arms' trials. For counts it is the update above, to the
    /// bit. For amounts it is a quasi-Poisson e-process: with Poisson events of means `m_c`, `m_b` under
    /// the null ratio `r0`, `E[exp(λ_c X_c + λ_b X_b)] = exp(m_c(e^λ_c − 1) + m_b(e^λ_b − 1)) = 1` exactly;
    /// an amount whose variance is at most its mean in units of `u` (dispersion ≤ 1) has, to second
    /// order, a smaller exponent. See `MeanRatioGuard` for the unit.
    package mutating func update(candidateTrials: UInt64, candidateAmount: Double,
                                baselineTrials: UInt64, baselineAmount: Double) {
        guard candidateTrials > 0, baselineTrials > 0, candidateAmount >= 0, baselineAmount >= 0,
              candidateAmount + baselineAmount > 0 else { return }
        let w = Double(candidateTrials) / Double(candidateTrials + baselineTrials)
        let ec = candidateAmount, events = candidateAmount + baselineAmount
        let base = w * null + 1 - w
        for k in alternatives.indices {
            let r = alternatives[k]
            // π(r_k)/π(r0) = (r_k/r0)·D and (1−π(r_k))/(1−π(r0)) = D, with D = (w·r0 + 1 − w)/(w·r_k + 1 − w).
            let logD = log(base / (w * r + 1 - w))
            logL[k] += ec * log(r / null) + events * logD
        }
    }

    /// `log E`.
    package var logEValue: Double { EProcess.logMeanExp(logL) }

    /// `E = mean_k exp(logL_k)`, 1 before any evidence.
    package var eValue: Double { exp(logEValue) }
}
