import GlidepathCore
import PromText
import Testing
@testable import GlidepathServer

@Suite struct ScrapeExtractTests {
    let query = MetricsQuery(migration: "m", baseline: "old", candidate: "new")

    func sample(_ name: String, _ labels: [(String, String)], _ value: Double) -> Sample {
        Sample(name: name, labels: labels.map { (name: $0.0, value: $0.1) }, value: value)
    }

    @Test func readsCountersAndConvertsCumulativeBuckets() throws {
        let b0 = String(LatencyBuckets.bounds[0]), b1 = String(LatencyBuckets.bounds[1])
        let families = [
            MetricFamily(name: "glidepath_requests_total", type: .counter, help: nil, samples: [
                sample("glidepath_requests_total", [("migration", "m"), ("arm", "old"), ("class", "ok")], 90),
                sample("glidepath_requests_total", [("migration", "m"), ("arm", "old"), ("class", "error")], 7),
                sample("glidepath_requests_total", [("migration", "m"), ("arm", "old"), ("class", "client_error")], 3),
                sample("glidepath_requests_total", [("migration", "m"), ("arm", "new"), ("class", "ok")], 5),
                sample("glidepath_requests_total", [("migration", "other"), ("arm", "old"), ("class", "ok")], 1000),
            ]),
            MetricFamily(name: "glidepath_request_duration_seconds", type: .histogram, help: nil, samples: [
                sample("glidepath_request_duration_seconds_bucket", [("migration", "m"), ("arm", "old"), ("le", b0)], 10),
                sample("glidepath_request_duration_seconds_bucket", [("migration", "m"), ("arm", "old"), ("le", b1)], 40),
                sample("glidepath_request_duration_seconds_bucket", [("migration", "m"), ("arm", "old"), ("le", "+Inf")], 100),
                sample("glidepath_request_duration_seconds_sum", [("migration", "m"), ("arm", "old")], 12.5),
                sample("glidepath_request_duration_seconds_count", [("migration", "m"), ("arm", "old")], 100),
            ]),
            MetricFamily(name: "glidepath_tokens_total", type: .counter, help: nil, samples: [
                sample("glidepath_tokens_total", [("migration", "m"), ("arm", "new")], 512),
            ]),
        ]
        let out = try ScrapeMetricsSource.extract(families, queries: [query])
        #expect(Array(out.keys) == ["m"])
        let old = try #require(out["m"]).baseline
        #expect(old.requests == 100 && old.errors == 7 && old.clientErrors == 3 && old.latencySum == 12.5)
        var expected = [UInt64](repeating: 0, count: LatencyBuckets.count)
        expected[0] = 10
        expected[1] = 30
        expected[LatencyBuckets.count - 1] = 60
        #expect(old.latency == expected)
        let new = try #require(out["m"]).candidate
        #expect(new.requests == 5 && new.tokens == 512 && new.latency.isEmpty)
    }

    @Test func unknownBucketBoundIsAnError() {
        let families = [MetricFamily(name: "glidepath_request_duration_seconds", type: .histogram, help: nil, samples: [
            sample("glidepath_request_duration_seconds_bucket", [("migration", "m"), ("arm", "old"), ("le", "0.0013")], 1),
        ])]
        #expect(throws: ScrapeError.self) { try ScrapeMetricsSource.extract(families, queries: [query]) }
    }

    @Test func migrationWithoutRequestSeriesIsAbsent() throws {
        #expect(try ScrapeMetricsSource.extract([], queries: [query]).isEmpty)
    }

    /// A value that is not a count a `UInt64` holds is a scrape error naming the series, never a trap
    /// (`UInt64(2^64)` used to trap, and negative or NaN counts were read as 0).
    @Test("a value that is not a count is a scrape error", arguments: [
        ("glidepath_requests_total", 0x1p64),
        ("glidepath_requests_total", 1e30),
        ("glidepath_requests_total", -1),
        ("glidepath_requests_total", .nan),
        ("glidepath_requests_total", .infinity),
        ("glidepath_request_duration_seconds_bucket", 0x1p64),
        ("glidepath_request_duration_seconds_bucket", -.infinity),
        ("glidepath_tokens_total", 0x1p70),
        ("glidepath_tokens_total", -0.6),
        ("glidepath_request_duration_seconds_sum", .nan),
        ("glidepath_request_duration_seconds_sum", -1),
    ] as [(String, Double)])
    func valueThatIsNotACountIsAnError(name: String, value: Double) {
        var labels = [("migration", "m"), ("arm", "old")]
        if name == "glidepath_requests_total" { labels.append(("class", "ok")) }
        if name.hasSuffix("_bucket") { labels.append(("le", "+Inf")) }
        let families = [
            MetricFamily(name: "glidepath_requests_total", type: .counter, help: nil, samples: [
                sample("glidepath_requests_total", [("migration", "m"), ("arm", "new"), ("class", "ok")], 1),
            ]),
            MetricFamily(name: name, type: .untyped, help: nil, samples: [sample(name, labels, value)]),
        ]
        #expect {
            try ScrapeMetricsSource.extract(families, queries: [query], url: "http://x/metrics")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("scrape of http://x/metrics failed: \(name)") && text.contains("expected a")
        }
    }

    @Test func largestCountsStillRead() throws {
        let below = 0x1p64 - 2048  // the largest Double below 2^64
        let families = [MetricFamily(name: "glidepath_requests_total", type: .counter, help: nil, samples: [
            sample("glidepath_requests_total", [("migration", "m"), ("arm", "old"), ("class", "ok")], below),
            sample("glidepath_requests_total", [("migration", "m"), ("arm", "new"), ("class", "ok")], 0.4),
        ])]
        let out = try #require(try ScrapeMetricsSource.extract(families, queries: [query])["m"])
        #expect(out.baseline.requests == UInt64.max - 2047)
        #expect(out.candidate.requests == 0)
    }

    @Test func classesThatAddUpPastUInt64AreAnError() {
        let families = [MetricFamily(name: "glidepath_requests_total", type: .counter, help: nil, samples: [
            sample("glidepath_requests_total", [("migration", "m"), ("arm", "old"), ("class", "ok")], 1e19),
            sample("glidepath_requests_total", [("migration", "m"), ("arm", "old"), ("class", "error")], 1e19),
        ])]
        #expect {
            try ScrapeMetricsSource.extract(families, queries: [query], url: "u")
        } throws: { error in
            "\(error)" == "scrape of u failed: glidepath_requests_total for arm \"old\" of \"m\" adds up past \(UInt64.max)"
        }
    }
}
