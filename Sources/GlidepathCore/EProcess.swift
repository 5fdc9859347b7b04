#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shared pieces of the sequential judge's e-processes: the alternative grids and a stable
/// log-mean-exp.
///
/// An e-process is a running product of likelihood ratios; a mixture (here an unweighted mean)
/// over a fixed grid of alternatives is again one. By Ville's inequality, under the null
/// `P(E ever ≥ 1/α) ≤ α`, however often it is looked at. Everything is kept in logs so that long
/// steps neither overflow nor underflow.
package enum EProcess {
    /// Rollback alternatives, as multiples of the tolerated ratio `r0`. Five points, not the design's
    /// seven: a mixture over k points pays `log k` of evidence, and dropping 1.25× (a regression too small
    /// to catch within a step anyway) and 20× (caught at once by the 10× alternative) made 2× and 10×
    /// regressions about 5 % faster in the simulator with no change in false rollbacks.
    package static let rollbackMultiples: [Double] = [1.5, 2, 3, 5, 10]
    /// Safety alternatives, as multiples of the tolerated ratio; only those below `badRatio` are used.
    package static let safetyMultiples: [Double] = [0.5, 0.75, 1, 1.25, 1.5]
    /// Alternatives of an absolute limit `p0` ("the candidate's rate is above p0"), as multiples of it.
    package static let aboveMultiples: [Double] = [1.5, 2, 3, 5, 10]
    /// Alternatives of a floor `p0` ("the candidate's rate is below p0"), as multiples of it.
    package static let belowMultiples: [Double] = [0.1, 0.25, 0.5, 0.75]

    /// `log(Σ exp(x))` without overflow; `-inf` entries (a dead alternative) count as zero, and an empty
    /// list sums to 0 (log 0 = -inf).
    package static func logSumExp(_ xs: [Double]) -> Double {
        guard let top = xs.max() else { return -.infinity }
        guard top.isFinite else { return top }
        var sum = 0.0
        for x in xs { sum += exp(x - top) }
        return top + log(sum)
    }

    /// `log(mean(exp(x)))`: an unweighted mixture of e-values, in logs (0, an e-value of 1, when empty).
    package static func logMeanExp(_ xs: [Double]) -> Double {
        xs.isEmpty ? 0 : logSumExp(xs) - log(Double(xs.count))
    }

    /// `log(exp(a) + exp(b))` without overflow (and without allocating: it runs on every tick).
    @inline(__always)
    package static func logAddExp(_ a: Double, _ b: Double) -> Double {
        let top = Swift.max(a, b)
        guard top.isFinite else { return top }
        return top + log(exp(a - top) + exp(b - top))
    }

    /// `log(Σ weights[i] · exp(logs[i]))`: a weighted average of e-values, in logs (0 when no weight is positive).
    package static func logWeightedSum(_ logs: [Double], weights: [Double]) -> Double {
        var terms: [Double] = []
        for (l, w) in zip(logs, weights) where w > 0 { terms.append(l + log(w)) }
        return terms.isEmpty ? 0 : logSumExp(terms)
    }
}
