import GlidepathCore

/// A `LatencyModel` made ready for drawing histograms over `LatencyBuckets`: the buckets that can receive
/// requests, their probabilities (renormalised), cumulative probabilities and midpoints.
///
/// Buckets with probability below 1e-12 are treated as empty (under 1e-4 expected requests in a 2-hour
/// run at 1,000 req/s with ×10 bursts). A request adds its bucket's midpoint to the histogram's sum (the
/// `+Inf` bucket counts at 1.25 × the last bound).
struct BucketDistribution: Sendable {
    let buckets: [Int]
    let probabilities: [Double]
    let cumulative: [Double]
    let midpoints: [Double]

    init(_ model: LatencyModel) {
        var b: [Int] = [], p: [Double] = []
        for (i, q) in model.bucketProbabilities.enumerated() where q >= 1e-12 {
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

    /// The position in `buckets` of a request drawn by inversion.
    @inline(__always)
    func pick(_ rng: inout Xoshiro256) -> Int {
        let u = rng.uniform()
        var j = 0
        while j < cumulative.count - 1 && cumulative[j] < u { j += 1 }
        return j
    }

    /// Adds a Poisson(`mean`) number of requests to `histogram` and `sum`; returns how many.
    ///
    /// Poisson splitting: the bucket counts are independent Poisson(mean·p_i) and the request count is
    /// their sum. The cheaper of two equivalent methods: one Poisson per bucket (O(buckets)), or, when
    /// the mean is below the number of buckets, a Poisson total and one lookup per request.
    func drawPoisson(mean: Double, into histogram: inout [UInt64], sum: inout Double,
                     rng: inout Xoshiro256) -> UInt64 {
        var n: UInt64 = 0
        if mean < Double(buckets.count) {
            n = rng.poisson(mean)
            for _ in 0..<n {
                let j = pick(&rng)
                histogram[buckets[j]] += 1
                sum += midpoints[j]
            }
        } else {
            for j in buckets.indices {
                let k = rng.poisson(mean * probabilities[j])
                if k == 0 { continue }
                histogram[buckets[j]] += k
                n += k
                sum += Double(k) * midpoints[j]
            }
        }
        return n
    }

    /// Spreads exactly `count` requests over the buckets (a multinomial draw: one lookup per request
    /// when they are fewer than the buckets, else one conditional binomial per bucket).
    func drawExactly(_ count: UInt64, into histogram: inout [UInt64], sum: inout Double,
                     rng: inout Xoshiro256) {
        guard count > 0 else { return }
        if count < UInt64(buckets.count) {
            for _ in 0..<count {
                let j = pick(&rng)
                histogram[buckets[j]] += 1
                sum += midpoints[j]
            }
            return
        }
        var left = count
        var mass = 1.0
        for j in buckets.indices {
            if left == 0 { break }
            let p = probabilities[j]
            let k = j == buckets.count - 1 || p >= mass ? left : rng.binomial(left, min(1, p / mass))
            mass -= p
            if k == 0 { continue }
            histogram[buckets[j]] += k
            sum += Double(k) * midpoints[j]
            left -= k
        }
    }
}
