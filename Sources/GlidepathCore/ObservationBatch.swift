/// One parsed ingest body, aggregated per arm; merged into the metrics only when every line parsed.
package struct ObservationBatch: Hashable, Sendable {
    /// Number of observation lines.
    package var lines: Int
    /// Per-arm counts (`latency` non-cumulative over `LatencyBuckets`, `latencySum` in seconds).
    package var arms: ArmPair

    package init(lines: Int = 0, arms: ArmPair = .zero) {
        self.lines = lines
        self.arms = arms
    }
}
