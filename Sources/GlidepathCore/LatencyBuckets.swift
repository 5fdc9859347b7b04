/// Histogram bucket bounds for request latency, in seconds.
///
/// The E12 preferred-number series (1, 1.2, 1.5, 1.8, 2.2, 2.7, 3.3, 3.9, 4.7, 5.6, 6.8, 8.2 per decade):
/// neighbouring bounds differ by at most 1.25×, fine enough to compare a p99 between arms, from 1 ms to
/// 68 s, and every bound is a short decimal that reads well in PromQL and dashboards.
package enum LatencyBuckets {
    private static let mantissas: [Double] = [1.0, 1.2, 1.5, 1.8, 2.2, 2.7, 3.3, 3.9, 4.7, 5.6, 6.8, 8.2]

    /// Upper bounds (`le`) in seconds, ascending; the implicit `+Inf` bucket follows.
    package static let bounds: [Double] = {
        var out: [Double] = []
        for (exponent, scale) in [(-3, 0.001), (-2, 0.01), (-1, 0.1), (0, 1.0), (1, 10.0)] {
            _ = exponent
            for m in mantissas {
                let v = (m * scale * 1_000_000).rounded() / 1_000_000
                if v <= 68 { out.append(v) }
            }
        }
        return out
    }()

    /// Number of buckets including `+Inf`.
    package static var count: Int { bounds.count + 1 }

    /// Index of the bucket holding `seconds` (`bounds.count` for the `+Inf` bucket). A latency equal to a
    /// bound falls in that bound's bucket, as Prometheus's `le` says.
    @inline(__always)
    package static func index(ofSeconds seconds: Double) -> Int {
        bounds.withUnsafeBufferPointer { index(ofSeconds: seconds, in: $0) }
    }

    /// The same rule over a copy of `bounds` (the ingest path keeps its own, out of the global's reach).
    @inline(__always)
    static func index(ofSeconds seconds: Double, in bounds: UnsafeBufferPointer<Double>) -> Int {
        var lo = 0
        var hi = bounds.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if bounds[mid] < seconds { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
