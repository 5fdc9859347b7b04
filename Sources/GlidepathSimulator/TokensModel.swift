import Glibc

/// Tokens per successful request: a lognormal with a given mean and σ (of `ln tokens`), each request's
/// count rounded to a whole number.
///
/// A tick's total over `k` successful requests is drawn request by request up to `exactUpTo` requests,
/// and above that from the normal distribution of the sum (mean `k·m`, variance `k·m²·(e^{σ²} − 1)`,
/// rounded and clamped at 0): the central limit theorem is accurate for the judge's purposes there, and
/// a tick at 1,000 req/s costs one draw instead of ten thousand.
package struct TokensModel: Hashable, Sendable {
    /// Mean tokens per successful request.
    package var mean: Double
    /// σ of `ln tokens`.
    package var sigma: Double

    /// σ when a traffic profile gives only the mean.
    package static let defaultSigma = 0.5
    /// Requests drawn one by one in a tick; above, the normal approximation of the sum.
    static let exactUpTo: UInt64 = 64

    package init(mean: Double, sigma: Double = defaultSigma) {
        self.mean = mean
        self.sigma = sigma
    }

    /// μ of `ln tokens`: the lognormal's mean is `exp(μ + σ²/2)`.
    var mu: Double { log(mean) - sigma * sigma / 2 }

    /// Total tokens of `requests` successful requests.
    package func draw(requests: UInt64, rng: inout Xoshiro256) -> UInt64 {
        guard requests > 0, mean > 0 else { return 0 }
        if requests <= Self.exactUpTo {
            let m = mu
            var total: UInt64 = 0
            for _ in 0..<requests { total &+= UInt64(exp(m + sigma * rng.normal()).rounded()) }
            return total
        }
        let k = Double(requests)
        let sd = (k * (exp(sigma * sigma) - 1)).squareRoot() * mean
        return UInt64(max(0, (k * mean + sd * rng.normal()).rounded()))
    }
}
