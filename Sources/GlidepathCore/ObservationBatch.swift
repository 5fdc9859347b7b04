/// One parsed ingest body, aggregated per arm; merged into the metrics only when every line parsed.
public struct ObservationBatch: Hashable, Sendable {
    /// Number of observation lines.
    public var lines: Int
    /// Per-arm counts (`latency` non-cumulative over `LatencyBuckets`, `latencySum` in seconds).
    public var arms: ArmPair

    public init(lines: Int = 0, arms: ArmPair = .zero) {
        self.lines = lines
        self.arms = arms
    }
}
