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
        let emptyRows = [[UInt64?]](repeating: [UInt64?](repeating: nil, count: LatencyBuckets.count), count: 4)
        // Bucket bounds as written (`le`), memoized: a controller writes the same few dozen texts.
        var bucketIndexes: [String: Int] = [:]

        // Consecutive samples mostly share a migration (the parser hands back one String for a repeated
        // value, so the comparison is cheap): one migration's counts and bucket rows are worked on in place
        // and go back into the dictionaries when the next migration starts.
        var current: String?
        var arms: [String: Arm]?
        var pair = ArmPair.zero
        var rows = emptyRows
        var hasRows = false
        func flush() {
            guard let m = current, arms != nil else { return }
            out[m] = pair
            if hasRows { cumulative[m] = rows }
        }
        func locate(_ s: Sample) -> Arm? {
            guard let m = s.label("migration") else { return nil }
            if m != current {
                flush()
                current = m
                arms = wanted[m]
                pair = out[m] ?? .zero
                if let r = cumulative[m] { rows = r; hasRows = true } else { rows = emptyRows; hasRows = false }
            }
            guard let arms, let a = s.label("arm") else { return nil }
            return arms[a]
        }
        // Sample names repeat (one String per run from the parser): the kind is looked up when one changes.
        var lastName = ""
        var lastKind: SampleKind?
        for family in families {
            for s in family.samples {
                if s.name != lastName { lastName = s.name; lastKind = SampleKind(s.name) }
                guard let kind = lastKind, let arm = locate(s), let m = current else { continue }
                func add(_ v: UInt64, to total: inout UInt64) throws(ScrapeError) {
                    let (sum, overflow) = total.addingReportingOverflow(v)
                    if overflow { throw ScrapeError(url: url, message: "\(s.name) for arm \(jsonQuoted(s.label("arm") ?? "")) "
                                                   + "of \(jsonQuoted(m)) adds up past \(UInt64.max)") }
                    total = sum
                }
                switch kind {
                case .requests:
                    seen.insert(m)
                    let v = try count(s, url: url)
                    try add(v, to: &pair[arm].requests)
                    switch s.label("class") {
                    case "error": try add(v, to: &pair[arm].errors)
                    case "client_error": try add(v, to: &pair[arm].clientErrors)
                    default: break
                    }
                case .tokens:
                    try add(try count(s, url: url), to: &pair[arm].tokens)
                case .latencyBucket, .ttftBucket:
                    guard let le = s.label("le"),
                          let index = bucketIndexes[le] ?? bucketIndex(le).map({ bucketIndexes[le] = $0; return $0 }) else {
                        throw ScrapeError(url: url, message: "unknown histogram bound le=\(jsonQuoted(s.label("le") ?? "")) "
                                          + "in \(s.name)")
                    }
                    rows[arm.rawValue + (kind == .ttftBucket ? 2 : 0)][index] = try count(s, url: url)
                    hasRows = true
                case .latencySum, .ttftSum:
                    guard s.value.isFinite, s.value >= 0 else {
                        throw ScrapeError(url: url, message: "\(s.name) is \(s.value), expected a finite sum of seconds ≥ 0")
                    }
                    if kind == .ttftSum { pair[arm].ttftSum = s.value } else { pair[arm].latencySum = s.value }
                }
            }
        }
        flush()
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

    /// The samples `extract` reads, by name.
    private enum SampleKind {
        case requests, latencyBucket, latencySum, ttftBucket, ttftSum, tokens

        init?(_ name: String) {
            switch name {
            case "glidepath_requests_total": self = .requests
            case "glidepath_request_duration_seconds_bucket": self = .latencyBucket
            case "glidepath_request_duration_seconds_sum": self = .latencySum
            case "glidepath_ttft_seconds_bucket": self = .ttftBucket
            case "glidepath_ttft_seconds_sum": self = .ttftSum
            case "glidepath_tokens_total": self = .tokens
            default: return nil
            }
        }
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
