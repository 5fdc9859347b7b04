import Glibc

/// The small statistics the benchmark reports.
package enum Statistics {
    /// Nearest-rank `q`-quantile (0 < q ≤ 1) of `values`; nil when empty. p50 of 1...10 is 5, p90 is 9.
    package static func quantile(_ q: Double, of values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }

    /// One-sided 95 % upper confidence bound of a proportion after `events` in `trials` (Clopper–Pearson:
    /// the p at which seeing `events` or fewer has probability 5 %). With no event it is 1 − 0.05^(1/n)
    /// (≈ 3/n, the "rule of three"); 1 when every trial was an event or there was no trial.
    package static func upper95(events: Int, trials: Int) -> Double {
        guard trials > 0, events < trials else { return 1 }
        if events == 0 { return 1 - pow(0.05, 1 / Double(trials)) }
        var lo = Double(events) / Double(trials), hi = 1.0
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            if binomialCDF(events, trials, mid) > 0.05 { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// P(X ≤ k) for X ~ Binomial(n, p), summed in log space.
    static func binomialCDF(_ k: Int, _ n: Int, _ p: Double) -> Double {
        let lp = log(p), lq = log1p(-p)
        let ln = logGamma(Double(n) + 1)
        var total = 0.0
        for i in 0...k {
            let term = ln - logGamma(Double(i) + 1) - logGamma(Double(n - i) + 1) + Double(i) * lp + Double(n - i) * lq
            total += exp(term)
        }
        return min(1, total)
    }
}

/// ln Γ(x). (A typed wrapper: Glibc offers `lgamma` both as the C function and as an overload returning
/// the sign too.)
@inline(__always)
func logGamma(_ x: Double) -> Double {
    let value: Double = lgamma(x)
    return value
}
