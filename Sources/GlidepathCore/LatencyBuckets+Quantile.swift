extension LatencyBuckets {
    /// The `q`-quantile (0...1) in seconds of a non-cumulative histogram over `bounds` (+Inf last),
    /// as PromQL's `histogram_quantile` computes it: linear interpolation inside the bucket that holds
    /// the rank, the first bucket starting at 0.
    ///
    /// Returns nil without data or for `q` outside 0...1. A rank in the `+Inf` bucket answers the
    /// highest finite bound (nothing better is known).
    package static func quantile(_ q: Double, counts: [UInt64]) -> Double? {
        guard q >= 0, q <= 1 else { return nil }
        var total: UInt64 = 0
        for c in counts { total &+= c }
        guard total > 0 else { return nil }
        let rank = q * Double(total)
        var below: UInt64 = 0
        for (i, c) in counts.enumerated() {
            let through = below + c
            // Skip empty buckets so a rank of 0 lands in the first bucket with data.
            if c > 0 && Double(through) >= rank {
                if i >= bounds.count { return bounds[bounds.count - 1] }
                let lower = i == 0 ? 0 : bounds[i - 1]
                let upper = bounds[i]
                let fraction = (rank - Double(below)) / Double(c)
                return lower + (upper - lower) * max(0, fraction)
            }
            below = through
        }
        return bounds[bounds.count - 1]
    }
}
