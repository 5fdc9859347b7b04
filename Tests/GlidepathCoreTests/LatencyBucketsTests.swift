import Testing
@testable import GlidepathCore

@Suite struct LatencyBucketsTests {
    @Test func boundsAreFineEnoughForAP99Comparison() {
        let b = LatencyBuckets.bounds
        #expect(b.first == 0.001)
        #expect(b.last == 68)
        for i in 1..<b.count { #expect(b[i] / b[i - 1] <= 1.25 + 1e-9) }
    }

    @Test func noDataHasNoQuantile() {
        #expect(LatencyBuckets.quantile(0.99, counts: []) == nil)
        #expect(LatencyBuckets.quantile(0.99, counts: [UInt64](repeating: 0, count: LatencyBuckets.count)) == nil)
        #expect(LatencyBuckets.quantile(1.5, counts: [1]) == nil)
    }

    struct Case: Sendable {
        var q: Double
        var counts: [Int: UInt64]
        var expected: Double
    }

    /// Bucket 24 is (0.082, 0.1], bucket 25 is (0.1, 0.12], bucket 0 is (0, 0.001].
    @Test(arguments: [
        Case(q: 0.5, counts: [24: 100], expected: 0.082 + 0.018 * 0.5),
        Case(q: 0.99, counts: [24: 50, 25: 50], expected: 0.1 + 0.02 * 0.98),
        Case(q: 0.5, counts: [24: 50, 25: 50], expected: 0.1),
        Case(q: 0.5, counts: [0: 10], expected: 0.0005),
        Case(q: 0, counts: [25: 10], expected: 0.1),
        Case(q: 1, counts: [24: 1, 25: 1], expected: 0.12),
        Case(q: 0.99, counts: [24: 1, LatencyBuckets.count - 1: 99], expected: 68),
    ])
    func quantileInterpolatesLikeHistogramQuantile(_ c: Case) throws {
        var h = [UInt64](repeating: 0, count: LatencyBuckets.count)
        for (i, n) in c.counts { h[i] = n }
        let q = try #require(LatencyBuckets.quantile(c.q, counts: h))
        #expect(abs(q - c.expected) < 1e-12)
    }
}
