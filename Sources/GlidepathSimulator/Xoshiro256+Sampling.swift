import Glibc

extension Xoshiro256 {
    /// A standard normal deviate (Box–Muller; the second value is dropped to keep the state simple).
    package mutating func normal() -> Double {
        let u1 = uniformOpen()
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A Poisson(`mean`) count, exact for every mean.
    ///
    /// - Below 10: inversion by sequential search (Knuth's product method in its additive form),
    ///   O(mean) uniforms at most one.
    /// - From 10: PTRS, Hörmann's transformed rejection with squeeze (1993), about 1.1 uniforms pairs per
    ///   draw whatever the mean; it needs `lgamma`.
    package mutating func poisson(_ mean: Double) -> UInt64 {
        if !(mean > 0) { return 0 }
        if mean < 10 {
            var k: UInt64 = 0
            var p = exp(-mean)
            var cdf = p
            let u = uniform()
            while u > cdf {
                k += 1
                p *= mean / Double(k)
                cdf += p
                // The tail beyond ~mean + 40 has probability below 1e-20: rounding, not randomness.
                if p < 1e-300 || k > UInt64(mean) + 200 { break }
            }
            return k
        }
        let slam = mean.squareRoot()
        let loglam = log(mean)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invalpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniformOpen()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return UInt64(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            let lhs = log(v * invalpha / (a / (us * us) + b))
            let rhs = -mean + k * loglam - logGamma(k + 1)
            if lhs <= rhs { return UInt64(k) }
        }
    }

    /// A Binomial(`trials`, `p`) count.
    ///
    /// - Few trials (≤ 16): one uniform per trial.
    /// - Small mean (trials × min(p, 1−p) < 12): waiting times between successes (geometric jumps),
    ///   O(mean) uniforms, exact.
    /// - Otherwise: the normal approximation with continuity correction, clamped to 0...trials
    ///   (the mean and the variance are both ≥ 12 there, where it is accurate to well under a count).
    package mutating func binomial(_ trials: UInt64, _ p: Double) -> UInt64 {
        if trials == 0 || !(p > 0) { return 0 }
        if p >= 1 { return trials }
        if p > 0.5 { return trials - binomial(trials, 1 - p) }
        if trials <= 16 {
            var k: UInt64 = 0
            for _ in 0..<trials where uniform() < p { k += 1 }
            return k
        }
        let mean = Double(trials) * p
        if mean < 12 {
            // Geometric waiting times: the index of the next success skips floor(log U / log(1−p)) failures.
            let logq = log1p(-p)
            var position: Double = 0
            var k: UInt64 = 0
            while true {
                position += (log(uniformOpen()) / logq).rounded(.down) + 1
                if position > Double(trials) { return k }
                k += 1
            }
        }
        let sd = (mean * (1 - p)).squareRoot()
        let x = (mean + sd * normal()).rounded()
        return UInt64(min(Double(trials), max(0, x)))
    }
}
