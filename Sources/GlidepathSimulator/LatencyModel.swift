import Glibc
import GlidepathCore

/// A request-latency distribution: a mixture of lognormals, and what it puts in each bucket of
/// `LatencyBuckets`.
///
/// The baseline of every scenario is one lognormal with median 100 ms and σ 0.5 (p90 ≈ 190 ms,
/// p99 ≈ 320 ms), a common shape for a remote API call.
package struct LatencyModel: Hashable, Sendable {
    /// One lognormal component: `weight` of the requests have `ln(latency)` ~ Normal(ln(median), sigma).
    package struct Component: Hashable, Sendable {
        package var weight: Double
        package var medianSeconds: Double
        package var sigma: Double

        package init(weight: Double, medianSeconds: Double, sigma: Double) {
            self.weight = weight
            self.medianSeconds = medianSeconds
            self.sigma = sigma
        }

        /// P(latency ≤ seconds).
        package func cdf(_ seconds: Double) -> Double {
            guard seconds > 0 else { return 0 }
            let z = (log(seconds) - log(medianSeconds)) / sigma
            return 0.5 * erfc(-z / 2.0.squareRoot())
        }
    }

    package var components: [Component]

    package init(components: [Component]) { self.components = components }

    /// A single lognormal.
    package static func lognormal(medianSeconds: Double, sigma: Double) -> LatencyModel {
        LatencyModel(components: [Component(weight: 1, medianSeconds: medianSeconds, sigma: sigma)])
    }

    /// The baseline of every scenario: median 100 ms, σ 0.5.
    package static let standard = lognormal(medianSeconds: 0.1, sigma: 0.5)

    /// z of the standard normal's 0.99-quantile: Φ⁻¹(0.99).
    package static let z99 = 2.326_347_874_040_840_8

    /// The lognormal with this median and 99th percentile (`p99 > p50 > 0`): median `p50`,
    /// σ = ln(p99 / p50) / Φ⁻¹(0.99). A traffic profile's `{"p50": 300, "p99": 2000}` (ms) is σ ≈ 0.815.
    package static func fitted(p50Seconds: Double, p99Seconds: Double) -> LatencyModel {
        lognormal(medianSeconds: p50Seconds, sigma: log(p99Seconds / p50Seconds) / z99)
    }

    /// P(latency ≤ seconds) under the mixture.
    package func cdf(_ seconds: Double) -> Double {
        var total = 0.0
        for c in components { total += c.weight * c.cdf(seconds) }
        return total
    }

    /// The `q`-quantile in seconds, by bisection on the CDF (to 1 µs).
    package func quantile(_ q: Double) -> Double {
        var lo = 0.0, hi = 1000.0
        while hi - lo > 1e-6 {
            let mid = (lo + hi) / 2
            if cdf(mid) < q { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// Probability of each bucket of `LatencyBuckets` (non-cumulative, `+Inf` last); sums to 1.
    package var bucketProbabilities: [Double] {
        var out: [Double] = []
        out.reserveCapacity(LatencyBuckets.count)
        var below = 0.0
        for bound in LatencyBuckets.bounds {
            let through = cdf(bound)
            out.append(max(0, through - below))
            below = through
        }
        out.append(max(0, 1 - below))
        return out
    }

    /// "Tail only" regression of `base`: a share `f` of requests comes from a slower lognormal
    /// (median `slowMedianSeconds`, same σ), with `f` chosen so that the mixture's p99 is `factor` × the
    /// base's p99 exactly, while the median barely moves.
    ///
    /// With the standard base (p99 ≈ 320 ms), factor 1.5 and a slow component of median 500 ms:
    /// f ≈ 1.7 %, the mixture's p99 is ≈ 480 ms and its median moves by under 2 %.
    package static func tailRegression(of base: Component, p99Factor factor: Double,
                                      slowMedianSeconds: Double) -> LatencyModel {
        let slow = Component(weight: 1, medianSeconds: slowMedianSeconds, sigma: base.sigma)
        let target = LatencyModel(components: [base]).quantile(0.99) * factor
        // Mixture tail above the target must be 1 %: (1 − f)·tail0 + f·tail1 = 0.01.
        let tail0 = 1 - base.cdf(target)
        let tail1 = 1 - slow.cdf(target)
        let f = (0.01 - tail0) / (tail1 - tail0)
        var fast = base
        fast.weight = 1 - f
        var slowPart = slow
        slowPart.weight = f
        return LatencyModel(components: [fast, slowPart])
    }
}
