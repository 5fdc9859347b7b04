import GlidepathCore
import HTTPServer
import PromText

/// Reads counters off a Prometheus text endpoint (by default the controller's own `/metrics`):
/// `glidepath_requests_total` (summed over every class and code), `glidepath_request_duration_seconds_{bucket,sum}`,
/// `glidepath_ttft_seconds_{bucket,sum}` and `glidepath_tokens_total`.
package struct ScrapeMetricsSource: MetricsSource {
    package var url: String
    package var timeout: Double

    package init(url: String, timeout: Double = 5) {
        self.url = url
        self.timeout = timeout
    }

    package func fetch(_ queries: [MetricsQuery]) throws -> [String: ArmPair] {
        let response = try HTTPClient.send(method: "GET", url: url, timeout: timeout)
        guard response.status == 200 else {
            throw ScrapeError(url: url, message: "answered HTTP \(response.status)")
        }
        let text = String(decoding: response.body, as: UTF8.self)
        let families: [MetricFamily]
        do { families = try PromTextParser.parse(text) } catch {
            throw ScrapeError(url: url, message: "unparseable metrics: \(error)")
        }
        return try Self.extract(families, queries: queries, url: url)
    }

    /// Builds cumulative per-arm counts from parsed families. Histogram buckets are converted from
    /// cumulative `le` to non-cumulative over `LatencyBuckets`; a bucket bound we do not know is an error
    /// (the latency thresholds would be wrong, which is worse than no tick). So is a count that is not a
    /// whole number of requests a `UInt64` holds (negative, NaN, infinite, 2^64 or more, or a sum of
    /// classes that overflows) and a latency sum that is negative or not finite: the source is broken,
    /// and a tick on made-up numbers would be worse than none.
    package static func extract(_ families: [MetricFamily], queries: [MetricsQuery], url: String = "") throws -> [String: ArmPair] {
        var wanted: [String: [String: Arm]] = [:]
        for q in queries { wanted[q.migration] = [q.baseline: .baseline, q.candidate: .candidate] }
        var out: [String: ArmPair] = [:]
        var seen: Set<String> = []
        // migration → row (arm, then + 2 for time to first token) → bucket cumulative
        var cumulative: [String: [[UInt64?]]] = [:]

        // Consecutive samples mostly share a migration (the parser hands back one String for a repeated
        // value, so the comparison is cheap): the wanted lookup runs once per run of samples.
        var lastMigration: String?
        var lastArms: [String: Arm]?
        func locate(_ s: Sample) -> (String, Arm)? {
            guard let m = s.label("migration") else { return nil }
            if m != lastMigration { lastMigration = m; lastArms = wanted[m] }
            guard let arms = lastArms, let a = s.label("arm"), let arm = arms[a] else { return nil }
            return (m, arm)
        }
        let emptyRows = [[UInt64?]](repeating: [UInt64?](repeating: nil, count: LatencyBuckets.count), count: 4)
        for family in families {
            for s in family.samples {
                guard let (m, arm) = locate(s) else { continue }
                var pair = out[m] ?? .zero
                func add(_ v: UInt64, to total: inout UInt64) throws(ScrapeError) {
                    let (sum, overflow) = total.addingReportingOverflow(v)
                    if overflow { throw ScrapeError(url: url, message: "\(s.name) for arm \(jsonQuoted(s.label("arm") ?? "")) "
                                                   + "of \(jsonQuoted(m)) adds up past \(UInt64.max)") }
                    total = sum
                }
                switch s.name {
                case "glidepath_requests_total":
                    seen.insert(m)
                    let v = try count(s, url: url)
                    try add(v, to: &pair[arm].requests)
                    switch s.label("class") {
                    case "error": try add(v, to: &pair[arm].errors)
                    case "client_error": try add(v, to: &pair[arm].clientErrors)
                    default: break
                    }
                case "glidepath_request_duration_seconds_bucket", "glidepath_ttft_seconds_bucket":
                    guard let le = s.label("le"), let index = bucketIndex(le) else {
                        throw ScrapeError(url: url, message: "unknown histogram bound le=\(jsonQuoted(s.label("le") ?? "")) "
                                          + "in \(s.name)")
                    }
                    // In place: a copy of the rows out of the dictionary and back would copy them per bucket.
                    let v = try count(s, url: url)
                    cumulative[m, default: emptyRows][arm.rawValue + (s.name == "glidepath_ttft_seconds_bucket" ? 2 : 0)][index] = v
                case "glidepath_request_duration_seconds_sum", "glidepath_ttft_seconds_sum":
                    guard s.value.isFinite, s.value >= 0 else {
                        throw ScrapeError(url: url, message: "\(s.name) is \(s.value), expected a finite sum of seconds ≥ 0")
                    }
                    if s.name == "glidepath_ttft_seconds_sum" { pair[arm].ttftSum = s.value } else { pair[arm].latencySum = s.value }
                case "glidepath_tokens_total":
                    try add(try count(s, url: url), to: &pair[arm].tokens)
                default: continue
                }
                out[m] = pair
            }
        }
        for (m, rows) in cumulative {
            var pair = out[m] ?? .zero
            for row in rows.indices where rows[row].contains(where: { $0 != nil }) {
                var running: UInt64 = 0
                var buckets = [UInt64](repeating: 0, count: LatencyBuckets.count)
                for i in 0..<LatencyBuckets.count {
                    let c = max(rows[row][i] ?? running, running)
                    buckets[i] = c - running
                    running = c
                }
                let arm = Arm(rawValue: row % 2)!
                // A precreated TTFT histogram still at zero is "none seen", as `ArmCounts.ttft` reads.
                if row < 2 { pair[arm].latency = buckets } else if running > 0 { pair[arm].ttft = buckets }
            }
            out[m] = pair
        }
        return out.filter { seen.contains($0.key) }
    }

    /// A sample's value as a count: finite, at least 0 and below 2^64 once rounded; otherwise a
    /// `ScrapeError` naming the series (never a trap).
    static func count(_ s: Sample, url: String) throws(ScrapeError) -> UInt64 {
        let rounded = s.value.rounded()
        guard rounded.isFinite, rounded >= 0, rounded < 0x1p64, let v = UInt64(exactly: rounded) else {
            let labels = s.labels.map { "\($0.name)=\(jsonQuoted($0.value))" }.joined(separator: ",")
            throw ScrapeError(url: url, message: "\(s.name){\(labels)} is \(s.value), "
                              + "expected a count from 0 to \(UInt64.max)")
        }
        return v
    }

    static func bucketIndex(_ le: String) -> Int? {
        if le == "+Inf" { return LatencyBuckets.bounds.count }
        guard let v = Double(le), v.isFinite else { return nil }
        let i = LatencyBuckets.index(ofSeconds: v)
        guard i < LatencyBuckets.bounds.count, abs(LatencyBuckets.bounds[i] - v) <= 1e-9 * max(1, v) else { return nil }
        return i
    }
}

/// A scrape that failed: where and why.
package struct ScrapeError: Error, CustomStringConvertible {
    package var url: String
    package var message: String
    package var description: String { "scrape of \(url) failed: \(message)" }
}
