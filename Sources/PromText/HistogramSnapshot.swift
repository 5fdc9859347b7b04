/// A copy of one histogram series, for tests and for code that reads its own metrics back.
package struct HistogramSnapshot: Hashable, Sendable {
    /// The finite upper bounds, ascending; the `+Inf` bucket is implicit.
    package var upperBounds: [Double]
    /// Non-cumulative counts, one per bound plus the last for `+Inf`.
    package var bucketCounts: [UInt64]
    package var sum: Double
    /// The total number of observations (the `+Inf` cumulative count).
    package var count: UInt64 { bucketCounts.reduce(0, &+) }

    /// Cumulative counts as rendered in `le` order, the last one being `le="+Inf"`.
    package var cumulativeCounts: [UInt64] {
        var running: UInt64 = 0
        return bucketCounts.map { running &+= $0; return running }
    }

    package init(upperBounds: [Double], bucketCounts: [UInt64], sum: Double) {
        self.upperBounds = upperBounds
        self.bucketCounts = bucketCounts
        self.sum = sum
    }
}
