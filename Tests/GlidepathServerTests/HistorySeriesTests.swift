import GlidepathCore
import Testing
@testable import GlidepathServer

/// Chart points from cumulative samples: rates, error rates and p99 between samples.
@Suite struct HistorySeriesTests {
    /// A sample at `at` with `requests`/`errors` so far on the candidate, latencies in the 100 ms bucket and
    /// first tokens in the 270 ms bucket; the baseline idle.
    static func sample(_ at: Int64, requests: UInt64, errors: UInt64, clientErrors: UInt64 = 0) -> HistorySample {
        var latency = [UInt64](repeating: 0, count: LatencyBuckets.count)
        latency[LatencyBuckets.index(ofSeconds: 0.1)] = requests
        var ttft = [UInt64](repeating: 0, count: LatencyBuckets.count)
        ttft[LatencyBuckets.index(ofSeconds: 0.27)] = requests
        let c = ArmCounts(requests: requests, errors: errors, clientErrors: clientErrors, latency: latency, ttft: ttft)
        return HistorySample(at: at, baseline: HistoryArm(.zero), candidate: HistoryArm(c))
    }

    @Test func ratesErrorRatesAndQuantilesBetweenSamples() {
        let samples = [Self.sample(0, requests: 0, errors: 0), Self.sample(10_000, requests: 100, errors: 1),
                       Self.sample(20_000, requests: 300, errors: 3, clientErrors: 100)]
        let s = HistorySeries.series(samples, arm: .candidate)
        #expect(s.requestRate == [ChartPoint(at: 10_000, value: 10), ChartPoint(at: 20_000, value: 20)])
        // 2 errors of 200 − 100 client errors judged.
        #expect(s.errorRate == [ChartPoint(at: 10_000, value: 0.01), ChartPoint(at: 20_000, value: 0.02)])
        // Every request in (82 ms, 100 ms]: p99 at 99 % of the bucket, as histogram_quantile.
        let p99 = 0.082 + (0.1 - 0.082) * 0.99
        #expect(abs((s.latency[0].value ?? 0) - p99) < 1e-12)
        #expect(abs((s.ttft[1].value ?? 0) - (0.22 + (0.27 - 0.22) * 0.99)) < 1e-12)
        // The idle baseline: a rate of 0, no error rate, no quantile.
        let b = HistorySeries.series(samples, arm: .baseline)
        #expect(b.requestRate.map(\.value) == [0, 0])
        #expect(b.errorRate.map(\.value) == [nil, nil])
        #expect(b.latency.map(\.value) == [nil, nil])
    }

    @Test func secondApartSamplesArePointsOverTheLastFiveSeconds() {
        let samples = (0...7).map { Self.sample(Int64($0) * 1_000, requests: UInt64($0) * UInt64($0) * 10, errors: 0) }
        let s = HistorySeries.series(samples, arm: .candidate)
        // 1…4 s: from the oldest sample; 5 s on: from the one 5 s before.
        #expect(s.requestRate.map(\.value) == [10, 20, 30, 40, 50, 70, 90])
    }

    @Test func aCounterGoingDownIsAGapNotASpike() {
        let samples = [Self.sample(0, requests: 500, errors: 0), Self.sample(10_000, requests: 20, errors: 0),
                       Self.sample(20_000, requests: 120, errors: 0)]
        let s = HistorySeries.series(samples, arm: .candidate)
        #expect(s.requestRate.map(\.value) == [nil, 10])
        #expect(HistorySeries.latest(s.requestRate) == 10)
        #expect(HistorySeries.series(Array(samples.prefix(1)), arm: .candidate) == HistorySeries.Arm())
    }
}
