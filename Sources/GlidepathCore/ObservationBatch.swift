/// One parsed ingest body, aggregated per arm; merged into the metrics only when every line parsed.
package struct ObservationBatch: Hashable, Sendable {
    /// Number of observation lines.
    package var lines: Int
    /// Per-arm counts (`latency` and `ttft` non-cumulative over `LatencyBuckets`, sums in seconds).
    package var arms: ArmPair
    /// Requests per arm, class and status code group (`glidepath_requests_total{class,code}`).
    package var codes: StatusCodeCounts
    /// `forced=1` lines per arm (indexed by `Arm.rawValue`): in none of the counts above, only in
    /// `glidepath_forced_requests_total`.
    package var forced: [UInt64]
    /// Lines marked `mirror=1`: shadow copies, already counted in the candidate's `arms` and `codes`
    /// (`glidepath_mirrored_requests_total`).
    package var mirrored: UInt64

    package init(lines: Int = 0, arms: ArmPair = .zero, codes: StatusCodeCounts = StatusCodeCounts(),
                 forced: [UInt64] = [0, 0], mirrored: UInt64 = 0) {
        self.lines = lines
        self.arms = arms
        self.codes = codes
        self.forced = forced
        self.mirrored = mirrored
    }
}
