import GlidepathCore

/// Draws one arm's traffic for one tick into cumulative `ArmCounts`, the way the arm's counters
/// would have grown on /metrics.
///
/// Poisson splitting: if an arm's request count is Poisson(λ) and each request lands in bucket i with
/// probability p_i, the bucket counts are independent Poisson(λ·p_i), and the request count is their sum.
/// A Poisson total split by the weight (binomial) likewise gives independent Poisson arms. So each arm is
/// drawn on its own and its histogram *is* its request count, exactly as the real counters are.
/// The cheaper of two equivalent methods is used: one Poisson per bucket that can matter (O(buckets)),
/// or, when λ is below the number of such buckets, a Poisson total and one CDF lookup per request.
/// Buckets with probability below 1e-12 are treated as empty (under 1e-4 expected requests in a
/// 2-hour run at 1,000 req/s with ×10 bursts).
/// Errors are Binomial(requests, error rate): latency does not depend on the outcome.
/// `latencySum` adds each request at its bucket's midpoint (the `+Inf` bucket at 1.25 × the last bound).
package struct ArmSampler: Sendable {
    /// Buckets that can receive requests and their probabilities (renormalised).
    let buckets: [Int]
    let probabilities: [Double]
    /// Cumulative probabilities over `buckets`, for per-request lookup.
    let cumulative: [Double]
    let midpoints: [Double]

    package init(latency: LatencyModel) {
        let all = latency.bucketProbabilities
        var b: [Int] = [], p: [Double] = []
        for (i, q) in all.enumerated() where q >= 1e-12 {
            b.append(i)
            p.append(q)
        }
        let total = p.reduce(0, +)
        p = p.map { $0 / total }
        var c: [Double] = []
        var run = 0.0
        for q in p { run += q; c.append(run) }
        c[c.count - 1] = 1
        let bounds = LatencyBuckets.bounds
        midpoints = b.map { i in
            if i >= bounds.count { return bounds[bounds.count - 1] * 1.25 }
            let lower = i == 0 ? 0 : bounds[i - 1]
            return (lower + bounds[i]) / 2
        }
        buckets = b
        probabilities = p
        cumulative = c
    }

    /// Adds a tick's traffic (expected `meanRequests` requests, error rate `errorRate`) to `counts`;
    /// returns (requests, errors) of this tick.
    @discardableResult
    package func draw(meanRequests: Double, errorRate: Double, into counts: inout ArmCounts,
                     rng: inout Xoshiro256) -> (requests: UInt64, errors: UInt64) {
        guard meanRequests > 0 else { return (0, 0) }
        if counts.latency.isEmpty { counts.latency = Array(repeating: 0, count: LatencyBuckets.count) }
        var n: UInt64 = 0
        var sum = 0.0
        if meanRequests < Double(buckets.count) {
            n = rng.poisson(meanRequests)
            for _ in 0..<n {
                let u = rng.uniform()
                var j = 0
                while j < cumulative.count - 1 && cumulative[j] < u { j += 1 }
                counts.latency[buckets[j]] += 1
                sum += midpoints[j]
            }
        } else {
            for j in buckets.indices {
                let k = rng.poisson(meanRequests * probabilities[j])
                if k == 0 { continue }
                counts.latency[buckets[j]] += k
                n += k
                sum += Double(k) * midpoints[j]
            }
        }
        let e = rng.binomial(n, errorRate)
        counts.requests += n
        counts.errors += e
        counts.latencySum += sum
        return (n, e)
    }
}
