/// Latency thresholds of the sequential judge: baseline quantiles rounded up to bucket bounds,
/// and counts of requests slower than them.
package enum LatencyThresholds {
    /// Baseline requests a histogram must hold before its `q`-quantile is trusted as a threshold:
    /// at least 100, and enough that about 3 requests lie above it (300 for p99, 3,000 for p99.9).
    package static func minimumBaseline(for q: Double) -> UInt64 {
        guard q < 1 else { return UInt64.max }
        return max(100, UInt64((3 / (1 - q)).rounded(.up)))
    }

    /// The bucket index (into `LatencyBuckets.bounds`) of the `q`-quantile of `histogram` rounded up to
    /// a bucket bound; nil without data. A quantile in the `+Inf` bucket gives the highest finite bound.
    package static func bucketIndex(quantile q: Double, histogram: [UInt64]) -> Int? {
        guard let seconds = LatencyBuckets.quantile(q, counts: histogram) else { return nil }
        return min(LatencyBuckets.index(ofSeconds: seconds), LatencyBuckets.bounds.count - 1)
    }

    /// Requests in `histogram` slower than `LatencyBuckets.bounds[index]` (every bucket above it).
    package static func countAbove(index: Int, histogram: [UInt64]) -> UInt64 {
        guard index + 1 < histogram.count else { return 0 }
        var n: UInt64 = 0
        for i in (index + 1)..<histogram.count { n &+= histogram[i] }
        return n
    }

    /// Requests in a histogram.
    package static func total(_ histogram: [UInt64]) -> UInt64 {
        var n: UInt64 = 0
        for c in histogram { n &+= c }
        return n
    }
}
