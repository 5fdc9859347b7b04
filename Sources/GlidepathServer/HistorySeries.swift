import GlidepathCore

/// A chart point: a value over the interval that ends at steady time `at` (ms), nil where nothing is
/// known (no request in the interval, or a counter went down: the series was reset).
package struct ChartPoint: Sendable, Equatable {
    package var at: Int64
    package var value: Double?

    package init(at: Int64, value: Double?) {
        self.at = at
        self.value = value
    }
}

/// The status page's chart series, computed between history samples with the core's
/// helpers (`ArmCounts.increment`, `LatencyBuckets.quantile`). Pure.
package enum HistorySeries {
    /// The quantile the latency and TTFT charts draw.
    package static let quantile = 0.99

    /// One arm's four series; each has one point per sample after the first.
    package struct Arm: Sendable, Equatable {
        /// Requests per second.
        package var requestRate: [ChartPoint] = []
        /// Errors / judged requests (0...1); nil without a judged request.
        package var errorRate: [ChartPoint] = []
        /// p99 request latency in seconds; nil without latency data.
        package var latency: [ChartPoint] = []
        /// p99 time to first token in seconds; nil without TTFT data.
        package var ttft: [ChartPoint] = []
    }

    /// Each point covers at least this much time (steady ms): with samples a second apart, a point is
    /// the rate over the last 5 s rather than over one tick's jitter.
    package static let defaultWindow: Int64 = 5_000

    /// The series of `arm` over `samples` (oldest first): one point per sample after the first, over the
    /// interval from the newest earlier sample at least `window` before it (or the oldest sample).
    package static func series(_ samples: [HistorySample], arm: GlidepathCore.Arm, window: Int64 = defaultWindow) -> Arm {
        var out = Arm()
        guard samples.count >= 2 else { return out }
        var j = 0
        for i in 1..<samples.count {
            let at = samples[i].at
            while j + 1 < i && at.subtractingSaturating(samples[j + 1].at) >= window { j += 1 }
            let current = samples[i][arm].counts, previous = samples[j][arm].counts
            let seconds = Double(at.subtractingSaturating(samples[j].at)) / 1000
            guard seconds > 0, !current.wentDown(from: previous) else {
                for keyPath in [\Arm.requestRate, \.errorRate, \.latency, \.ttft] {
                    out[keyPath: keyPath].append(ChartPoint(at: at, value: nil))
                }
                continue
            }
            let d = current.increment(since: previous)
            out.requestRate.append(ChartPoint(at: at, value: Double(d.requests) / seconds))
            out.errorRate.append(ChartPoint(at: at, value: d.judgedRequests == 0 ? nil : d.errorRate))
            out.latency.append(ChartPoint(at: at, value: LatencyBuckets.quantile(quantile, counts: d.latency)))
            out.ttft.append(ChartPoint(at: at, value: LatencyBuckets.quantile(quantile, counts: d.ttft)))
        }
        return out
    }

    /// The newest non-nil value of a series.
    package static func latest(_ points: [ChartPoint]) -> Double? {
        points.last { $0.value != nil }?.value
    }
}
