import GlidepathCore
import PromText
import Testing
@testable import GlidepathServer

/// What ingest exports: time to first token, requests by class and code, cost at the policy's prices; the
/// series precreated from the policy, dropped with a renamed arm, and read back by the control loop.
@Suite struct IngestMetricsTests {
    let w = Fixture.world()
    let name = "chat-completions"
    static let priced = #", "cost": {"holysheep": {"per1kTokens": 0.42, "perRequest": 0}}"#
    static let keyRotation = #", "guards": {"errors": {"statuses": [0, 401, 403, 429, "5xx"]}}"#

    @discardableResult
    func put(candidate: String = "holysheep", extra: String = priced) -> Int {
        w.router.handle(Fixture.request("PUT", "/v1/migrations/\(name)", body: Fixture.policy(candidate: candidate, extra: extra),
                                        headers: Fixture.admin)).status
    }

    func post(_ lines: String) -> Int {
        w.router.handle(Fixture.request("POST", "/v1/migrations/\(name)/observations", body: lines,
                                        headers: Fixture.ingest)).status
    }

    var metrics: String { w.router.handle(Fixture.request("GET", "/metrics")).text }

    func requestsLine(_ arm: String, _ cls: String, _ code: String, _ value: String) -> String {
        #"glidepath_requests_total{migration="chat-completions",arm="\#(arm)",class="\#(cls)",code="\#(code)"} \#(value)"#
    }

    @Test func metricsShowTTFTCodesAndCost() {
        #expect(put() == 201)
        #expect(post("holysheep 200 100 tokens=1000 ttft_ms=50\nholysheep 429 10\nopenai 200 80 ttft_ms=40\n"
                     + "openai 401 5\nopenai 0 3000\n") == 202)
        let text = metrics
        // 50 ms ≤ 0.056 s; 40 ms ≤ 0.047 s.
        #expect(text.contains(#"glidepath_ttft_seconds_bucket{migration="chat-completions",arm="holysheep",le="0.047"} 0"#))
        #expect(text.contains(#"glidepath_ttft_seconds_bucket{migration="chat-completions",arm="holysheep",le="0.056"} 1"#))
        #expect(text.contains(#"glidepath_ttft_seconds_bucket{migration="chat-completions",arm="openai",le="0.047"} 1"#))
        #expect(text.contains(#"glidepath_ttft_seconds_count{migration="chat-completions",arm="holysheep"} 1"#))
        #expect(text.contains(#"glidepath_ttft_seconds_sum{migration="chat-completions",arm="holysheep"} 0.05"#))
        #expect(text.contains(requestsLine("holysheep", "error", "429", "1")))
        #expect(text.contains(requestsLine("holysheep", "ok", "2xx", "1")))
        #expect(text.contains(requestsLine("openai", "client_error", "4xx", "1")))
        #expect(text.contains(requestsLine("openai", "error", "network", "1")))
        #expect(text.contains(requestsLine("openai", "ok", "2xx", "1")))
        // 1,000 tokens at 0.42 per 1k; the baseline has no price and no cost series.
        #expect(text.contains(#"glidepath_cost_total{migration="chat-completions",arm="holysheep"} 0.42"#))
        #expect(!text.contains(#"glidepath_cost_total{migration="chat-completions",arm="openai"}"#))
        #expect(post("holysheep 200 100 tokens=500\nholysheep 200 100") == 202)
        #expect(w.controller.metrics.cost.value(labels: [name, "holysheep"]) == 0.42 + 0.21)
    }

    @Test func perRequestPricesCountEveryRecordedRequest() {
        #expect(put(extra: #", "cost": {"openai": {"per1kTokens": 2, "perRequest": 0.01}}"#) == 201)
        #expect(post("openai 200 1 tokens=250\nopenai 503 1\nopenai 404 1\nholysheep 200 1 tokens=99") == 202)
        // 3 requests × 0.01 + 250 tokens × 2 / 1000.
        #expect(abs(w.controller.metrics.cost.value(labels: [name, "openai"]) - 0.53) < 1e-12)
        #expect(!metrics.contains(#"glidepath_cost_total{migration="chat-completions",arm="holysheep"}"#))
    }

    @Test func seriesArePrecreatedAtZeroFromThePolicy() {
        #expect(put() == 201)
        var text = metrics
        for arm in ["openai", "holysheep"] {
            for (cls, code) in [("ok", "2xx"), ("ok", "3xx"), ("error", "429"), ("error", "5xx"), ("error", "network"),
                                ("client_error", "4xx")] {
                #expect(text.contains(requestsLine(arm, cls, code, "0")))
            }
            #expect(!text.contains(requestsLine(arm, "error", "4xx", "0")))
            #expect(text.contains(#"glidepath_ttft_seconds_bucket{migration="chat-completions",arm="\#(arm)",le="+Inf"} 0"#))
        }
        #expect(text.components(separatedBy: "glidepath_requests_total{").count - 1 == 12)
        #expect(text.contains(#"glidepath_cost_total{migration="chat-completions",arm="holysheep"} 0"#))
        #expect(!text.contains(#"glidepath_cost_total{migration="chat-completions",arm="openai"}"#))
        // Every decision action exists from the start (a first rollback is an increase from 0, not a new series).
        for action in ["rollback", "promote", "advance", "pause", "resume", "restart", "wait", "policy"] {
            #expect(text.contains(#"glidepath_decisions_total{migration="chat-completions",action="\#(action)"} 0"#))
        }
        #expect(text.contains(#"glidepath_decisions_total{migration="chat-completions",action="created"} 1"#))
        // Watching 401/403 adds the (error, 4xx) pair; dropping the price drops the cost series.
        #expect(put(extra: Self.keyRotation) == 200)
        text = metrics
        #expect(text.contains(requestsLine("holysheep", "error", "4xx", "0")))
        #expect(text.contains(requestsLine("openai", "error", "4xx", "0")))
        #expect(!text.contains("glidepath_cost_total{"))
        #expect(post("holysheep 401 10\nholysheep 403 10\nholysheep 404 10") == 202)
        #expect(metrics.contains(requestsLine("holysheep", "error", "4xx", "2")))
        #expect(metrics.contains(requestsLine("holysheep", "client_error", "4xx", "1")))
    }

    @Test func aRenamedArmsNewSeriesLeave() {
        #expect(put(candidate: "alpha", extra: #", "cost": {"alpha": {"per1kTokens": 1}}"#) == 201)
        #expect(post("alpha 429 10 tokens=10 ttft_ms=5") == 202)
        #expect(metrics.contains(#"glidepath_cost_total{migration="chat-completions",arm="alpha"} 0.01"#))
        #expect(put(candidate: "beta", extra: "") == 200)
        let text = metrics
        #expect(!text.contains(#"arm="alpha""#))
        #expect(text.contains(#"glidepath_ttft_seconds_bucket{migration="chat-completions",arm="beta",le="+Inf"} 0"#))
        #expect(w.controller.metrics.requests.value(labels: [name, "alpha", "error", "429"]) == 0)
    }

    @Test func theControlLoopReadsTTFTBackAndSumsEveryCode() throws {
        #expect(put() == 201)
        #expect(post("holysheep 200 100 ttft_ms=50\nholysheep 429 10\nholysheep 503 10 ttft_ms=2000\nholysheep 404 1\n"
                     + "openai 200 100\nopenai 302 1\nopenai 0 5") == 202)
        let source = SelfMetricsSource(registry: w.controller.metrics.registry)
        let counts = try #require(try source.fetch([MetricsQuery(migration: name, baseline: "openai",
                                                                 candidate: "holysheep")])[name])
        #expect(counts.candidate.requests == 4 && counts.candidate.errors == 2 && counts.candidate.clientErrors == 1)
        #expect(counts.baseline.requests == 3 && counts.baseline.errors == 1 && counts.baseline.clientErrors == 0)
        var ttft = [UInt64](repeating: 0, count: LatencyBuckets.count)
        ttft[LatencyBuckets.index(ofSeconds: 0.05)] = 1
        ttft[LatencyBuckets.index(ofSeconds: 2)] = 1
        #expect(counts.candidate.ttft == ttft)
        #expect(abs(counts.candidate.ttftSum - 2.05) < 1e-12)
        // The baseline's histogram exists at zero: read as "none seen".
        #expect(counts.baseline.ttft.isEmpty && counts.baseline.ttftSum == 0)
    }
}

/// Read-back of the new series from a scrape: requests summed over every (class, code) series, the TTFT
/// histogram converted like latency, and an unknown TTFT bound refused.
@Suite struct ScrapeExtractTTFTTests {
    let query = MetricsQuery(migration: "m", baseline: "old", candidate: "new")

    func sample(_ name: String, _ labels: [(String, String)], _ value: Double) -> Sample {
        Sample(name: name, labels: labels.map { (name: $0.0, value: $0.1) }, value: value)
    }

    func requests(_ arm: String, _ cls: String, _ code: String, _ value: Double) -> Sample {
        sample("glidepath_requests_total", [("migration", "m"), ("arm", arm), ("class", cls), ("code", code)], value)
    }

    @Test func requestsSumOverCodesAndTTFTReadsBack() throws {
        let b0 = String(LatencyBuckets.bounds[0]), b24 = String(LatencyBuckets.bounds[24])
        let ttft = "glidepath_ttft_seconds"
        let families = [
            MetricFamily(name: "glidepath_requests_total", type: .counter, help: nil, samples: [
                requests("new", "ok", "2xx", 50), requests("new", "ok", "3xx", 2), requests("new", "error", "429", 6),
                requests("new", "error", "5xx", 3), requests("new", "error", "4xx", 4), requests("new", "error", "network", 1),
                requests("new", "client_error", "4xx", 9), requests("old", "ok", "2xx", 10),
            ]),
            MetricFamily(name: ttft, type: .histogram, help: nil, samples: [
                sample(ttft + "_bucket", [("migration", "m"), ("arm", "new"), ("le", b0)], 1),
                sample(ttft + "_bucket", [("migration", "m"), ("arm", "new"), ("le", b24)], 40),
                sample(ttft + "_bucket", [("migration", "m"), ("arm", "new"), ("le", "+Inf")], 41),
                sample(ttft + "_sum", [("migration", "m"), ("arm", "new")], 3.25),
                sample(ttft + "_bucket", [("migration", "m"), ("arm", "old"), ("le", "+Inf")], 0),
                sample(ttft + "_sum", [("migration", "m"), ("arm", "old")], 0),
            ]),
        ]
        let pair = try #require(try ScrapeMetricsSource.extract(families, queries: [query])["m"])
        #expect(pair.candidate.requests == 75 && pair.candidate.errors == 14 && pair.candidate.clientErrors == 9)
        #expect(pair.baseline.requests == 10 && pair.baseline.errors == 0)
        var expected = [UInt64](repeating: 0, count: LatencyBuckets.count)
        expected[0] = 1
        expected[24] = 39
        expected[LatencyBuckets.count - 1] = 1
        #expect(pair.candidate.ttft == expected && pair.candidate.ttftSum == 3.25)
        #expect(pair.candidate.latency.isEmpty && pair.candidate.latencySum == 0)
        #expect(pair.baseline.ttft.isEmpty && pair.baseline.ttftSum == 0)
    }

    @Test func unknownTTFTBoundIsAnError() {
        let families = [
            MetricFamily(name: "glidepath_requests_total", type: .counter, help: nil, samples: [requests("old", "ok", "2xx", 1)]),
            MetricFamily(name: "glidepath_ttft_seconds", type: .histogram, help: nil, samples: [
                sample("glidepath_ttft_seconds_bucket", [("migration", "m"), ("arm", "new"), ("le", "0.0013")], 1),
            ]),
        ]
        #expect {
            try ScrapeMetricsSource.extract(families, queries: [query], url: "u")
        } throws: { error in
            "\(error)" == #"scrape of u failed: unknown histogram bound le="0.0013" in glidepath_ttft_seconds_bucket"#
        }
    }

    @Test func aNegativeTTFTSumIsAnError() {
        let families = [MetricFamily(name: "glidepath_ttft_seconds", type: .histogram, help: nil, samples: [
            sample("glidepath_ttft_seconds_sum", [("migration", "m"), ("arm", "new")], -1),
        ])]
        #expect(throws: ScrapeError.self) { try ScrapeMetricsSource.extract(families, queries: [query]) }
    }
}
