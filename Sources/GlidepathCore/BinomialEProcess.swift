#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-sample binomial e-process on the candidate's rate `p` of bad events, against a limit `p0`.
///
/// Each alternative `p_k` keeps `logL_k += x·log(p_k/p0) + (n − x)·log((1 − p_k)/(1 − p0))` for `x` bad
/// events among `n` trials; the e-value is `mean_k exp(logL_k)`. With alternatives above `p0` it tests
/// "p ≤ p0" (absolute limits: `maxRate`, `maxP99`); with alternatives below `p0` it tests "p ≥ p0"
/// (the safety floors).
package struct BinomialEProcess: Hashable, Sendable, Codable {
    package var null: Double
    package var alternatives: [Double]
    package var logL: [Double]

    package init(null: Double, alternatives: [Double]) {
        self.null = null
        self.alternatives = alternatives
        self.logL = Array(repeating: 0, count: alternatives.count)
    }

    /// Tests "the rate is at most `limit`": alternatives `limit × {1.5, 2, 3, 5, 10}`, capped below 1
    /// (at `(1 + limit)/2`, duplicates dropped).
    package static func above(_ limit: Double) -> BinomialEProcess {
        var alts: [Double] = []
        for m in EProcess.aboveMultiples {
            let p = min(limit * m, (1 + limit) / 2)
            if p > limit, !alts.contains(p) { alts.append(p) }
        }
        return BinomialEProcess(null: limit, alternatives: alts)
    }

    /// Tests "the rate is at least `floor`": alternatives `floor × {0.1, 0.25, 0.5, 0.75}`.
    package static func below(_ floor: Double) -> BinomialEProcess {
        BinomialEProcess(null: floor, alternatives: EProcess.belowMultiples.map { floor * $0 })
    }

    /// Adds `events` bad events among `trials` (no trial: no change).
    package mutating func update(trials: UInt64, events: UInt64) {
        guard trials > 0 else { return }
        let x = Double(min(events, trials)), rest = Double(trials - min(events, trials))
        for k in alternatives.indices {
            let p = alternatives[k]
            var delta = 0.0
            if x > 0 { delta += x * log(p / null) }
            if rest > 0 { delta += rest * log((1 - p) / (1 - null)) }
            logL[k] += delta
        }
    }

    package var logEValue: Double { EProcess.logMeanExp(logL) }
    package var eValue: Double { exp(logEValue) }
}
