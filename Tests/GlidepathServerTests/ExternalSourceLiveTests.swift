import Foundation
import GlidepathCore
import HTTPServer
import Testing
@testable import GlidepathServer

/// External metrics sources against real sockets: a fake exporter scraped by a `scrape` policy, a fake
/// Prometheus answering `/api/v1/query`, a dead target holding the step, and a slow target that never
/// blocks the round. Sleeping tests, so serialized.
@Suite(.serialized) struct ExternalSourceLiveTests {
    static func exposition(baseline: (Int, Int), candidate: (Int, Int)) -> String {
        """
        # TYPE copy_generation_total counter
        copy_generation_total{source="openai",status="ok"} \(baseline.0 - baseline.1)
        copy_generation_total{source="openai",status="error"} \(baseline.1)
        copy_generation_total{source="holysheep",status="ok"} \(candidate.0 - candidate.1)
        copy_generation_total{source="holysheep",status="error"} \(candidate.1)
        # TYPE copy_generation_latency_seconds histogram
        copy_generation_latency_seconds_bucket{source="openai",le="0.25"} \(baseline.0)
        copy_generation_latency_seconds_bucket{source="openai",le="+Inf"} \(baseline.0)
        copy_generation_latency_seconds_sum{source="openai"} \(Double(baseline.0) * 0.2)
        copy_generation_latency_seconds_count{source="openai"} \(baseline.0)
        copy_generation_latency_seconds_bucket{source="holysheep",le="0.25"} \(candidate.0)
        copy_generation_latency_seconds_bucket{source="holysheep",le="+Inf"} \(candidate.0)
        copy_generation_latency_seconds_sum{source="holysheep"} \(Double(candidate.0) * 0.2)
        copy_generation_latency_seconds_count{source="holysheep"} \(candidate.0)

        """
    }

    static func scrapePolicy(_ url: String) -> String {
        Fixture.policy(extra: #", "metrics": {"source": "scrape", "targets": ["\#(url)"], "arm": "source", "#
            + #""requests": {"metric": "copy_generation_total", "errors": {"status": "error"}}, "#
            + #""latency": {"histogram": "copy_generation_latency_seconds"}, "timeout": "1s"}"#)
    }

    static func routed(_ w: Fixture.World, inline: Bool = true) -> RoutedMetricsSource {
        let clock = w.clock
        return RoutedMetricsSource(own: w.source, external: ExternalMetricsSource(inline: inline, clock: { clock.now() }),
                                   health: MetricsSourceHealth(metrics: w.controller.metrics))
    }

    @Test func scrapedFailingCandidateIsRolledBackWithTheSourceInTheReason() throws {
        let target = try FakeMetricsServer()
        defer { target.stop() }
        let w = Fixture.world()
        let put = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions",
                                                  body: Self.scrapePolicy(target.base + "/metrics"), headers: Fixture.admin))
        #expect(put.status == 201)
        let source = Self.routed(w)
        var decisions: [String] = []
        for tick in 0..<30 {
            target.expose(Self.exposition(baseline: (1000 + 100 * tick, 10 + tick), candidate: (200 + 100 * tick, 50 + 40 * tick)))
            w.clock.advance(milliseconds: 10_000)
            decisions += w.controller.runOnce(now: w.clock.now(), source: source).decisions
            if w.controller.entry("chat-completions")?.status.phase.isTerminal == true { break }
        }
        #expect(decisions == ["chat-completions:rollback"])
        let e = try #require(w.controller.entry("chat-completions"))
        #expect(e.status.phase == .rolledBack)
        #expect(e.status.reason.contains("; metrics: scrape \(target.base)/metrics: up; latency precision: source buckets "
                                         + "{0.25, +Inf} coarser than glidepath's"))
        #expect(w.controller.metrics.metricsSourceUp.value(labels: ["chat-completions"]) == 1)
    }

    @Test func deadTargetHoldsAndSaysSo() throws {
        let target = try FakeMetricsServer()
        let w = Fixture.world()
        _ = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions",
                                            body: Self.scrapePolicy(target.base + "/metrics"), headers: Fixture.admin))
        let source = Self.routed(w)
        for tick in 0..<3 {
            target.expose(Self.exposition(baseline: (100 * tick, 0), candidate: (100 * tick, 0)))
            w.clock.advance(milliseconds: 10_000)
            #expect(w.controller.runOnce(now: w.clock.now(), source: source).ticked == ["chat-completions"])
        }
        let before = try #require(w.controller.entry("chat-completions"))
        target.stop()
        w.clock.advance(milliseconds: 10_000)
        let report = w.controller.runOnce(now: w.clock.now(), source: source)
        #expect(report.held == ["chat-completions"] && report.ticked.isEmpty && report.decisions.isEmpty)
        #expect(w.controller.metrics.metricsSourceUp.value(labels: ["chat-completions"]) == 0)
        let e = try #require(w.controller.entry("chat-completions"))
        #expect(e.status == before.status)
        #expect(e.judge.lastTickAt == before.judge.lastTickAt && e.judge.step == before.judge.step)
        #expect(e.judge.lastVerdict?.rule == .noData && e.judge.lastVerdict?.action == .hold)
        #expect(e.judge.lastVerdict?.reason == "holding: metrics source scrape \(target.base)/metrics: connect to "
                + "127.0.0.1:\(target.port): Connection refused")
        // Within the interval it is not read again (a dead target is not hammered).
        w.clock.advance(milliseconds: 1_000)
        #expect(w.controller.runOnce(now: w.clock.now(), source: source).held.isEmpty)
    }

    @Test func slowTargetNeverBlocksTheRound() throws {
        let target = try FakeMetricsServer()
        defer { target.stop() }
        target.expose(Self.exposition(baseline: (100, 0), candidate: (100, 0)))
        target.delay(0.8)
        let w = Fixture.world()
        _ = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions",
                                            body: Self.scrapePolicy(target.base + "/metrics"), headers: Fixture.admin))
        _ = w.router.handle(Fixture.request("PUT", "/v1/migrations/other", body: Fixture.policy("other"), headers: Fixture.admin))
        let source = Self.routed(w, inline: false)
        w.clock.advance(milliseconds: 10_000)
        let started = SystemTimeSource.monotonic()
        let first = w.controller.runOnce(now: w.clock.now(), source: source)
        #expect(SystemTimeSource.monotonic() - started < 300)
        #expect(first.ticked == ["other"])  // the self-sourced migration ticks; the scraped one is in flight
        #expect(source.external.readsInFlight == 1)
        var ticked = false
        for _ in 0..<40 where !ticked {
            Thread.sleep(forTimeInterval: 0.05)
            w.clock.advance(milliseconds: 50)
            ticked = w.controller.runOnce(now: w.clock.now(), source: source).ticked.contains("chat-completions")
        }
        #expect(ticked)
        #expect(target.requests == 1)
    }

    @Test func fakePrometheusIsQueriedForIncreases() throws {
        let prom = try FakeMetricsServer()
        defer { prom.stop() }
        let queries = QueryLog()
        prom.answer { request in
            let q = request.query["query"] ?? ""
            queries.add(q)
            let value = q.contains("status=") ? "2" : "50"
            let body = #"{"status":"success","data":{"resultType":"vector","result":["#
                + #"{"metric":{"source":"openai"},"value":[1764000000,"\#(value)"]},"#
                + #"{"metric":{"source":"holysheep"},"value":[1764000000,"\#(value)"]}]}}"#
            return HTTPResponse(status: 200, body: Array(body.utf8))
        }
        let w = Fixture.world()
        let policy = Fixture.policy(extra: #", "metrics": {"source": "prometheus", "url": "\#(prom.base)", "arm": "source", "#
            + #""labels": {"job": "copy-api"}, "requests": {"metric": "copy_generation_total", "errors": {"status": "error"}}}"#)
        #expect(w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: policy, headers: Fixture.admin)).status == 201)
        let source = Self.routed(w)
        for _ in 0..<3 {
            w.clock.advance(milliseconds: 10_000)
            #expect(w.controller.runOnce(now: w.clock.now(), source: source).ticked == ["chat-completions"])
        }
        let e = try #require(w.controller.entry("chat-completions"))
        #expect(e.judge.lastSnapshot?.baseline.requests == 150 && e.judge.lastSnapshot?.candidate.errors == 6)
        #expect(e.judge.step.baseline.requests == 100 && e.judge.step.candidate.errors == 4)
        #expect(e.judge.lastVerdict?.reason.hasSuffix("; metrics: prometheus \(prom.base), 2 queries over 10s") == true)
        #expect(queries.all.count == 6)
        #expect(queries.all.contains(#"sum by (source) (increase(copy_generation_total{job="copy-api"}[10000ms]))"#))
        // Prometheus down: held, and the next window covers the gap.
        prom.answer { _ in HTTPResponse(status: 503, body: Array("down for maintenance".utf8)) }
        w.clock.advance(milliseconds: 10_000)
        #expect(w.controller.runOnce(now: w.clock.now(), source: source).held == ["chat-completions"])
        #expect(w.controller.entry("chat-completions")?.judge.lastVerdict?.reason
                == "holding: metrics source prometheus \(prom.base): HTTP 503: \"down for maintenance\"")
    }
}

final class QueryLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ q: String) { lock.withLock { list.append(q) } }
    var all: [String] { lock.withLock { list } }
}

/// `ExternalMetricsSource`'s schedule (inline reads on a manual clock) and `MetricsSourceHealth`'s gauge.
@Suite(.serialized) struct ExternalSourceScheduleTests {
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var ms: Int64 = 1_000_000
        var now: Int64 { lock.withLock { ms } }
        func advance(_ d: Int64) { lock.withLock { ms += d } }
    }

    static func query(_ url: String, baseline: String = "openai", due: Bool = true) -> MetricsQuery {
        let mapping = MetricsMapping(armLabel: "source", requests: CounterRef(metric: "copy_generation_total"))
        return MetricsQuery(migration: "m", baseline: baseline, candidate: "holysheep",
                            metrics: MetricsSpec(source: .scrape(targets: [url]), mapping: mapping),
                            interval: .seconds(10), due: due)
    }

    static func requests(_ r: MetricsReading?) -> UInt64? {
        if case .counts(let c, _)? = r { return c.baseline.requests }
        return nil
    }

    @Test func readsAtMostOncePerIntervalAndRestartsWhenTheMappingChanges() throws {
        let target = try FakeMetricsServer()
        defer { target.stop() }
        let clock = Clock()
        let source = ExternalMetricsSource(inline: true, clock: { clock.now })
        let url = target.base + "/metrics"
        target.expose("copy_generation_total{source=\"openai\"} 100\ncopy_generation_total{source=\"renamed\"} 7\n")
        // Sampling only (not due): nothing is read.
        #expect(source.read([Self.query(url, due: false)])["m"] == .pending)
        #expect(target.requests == 0)
        #expect(Self.requests(source.read([Self.query(url)])["m"]) == 0)  // first sight: the starting point
        #expect(target.requests == 1)
        target.expose("copy_generation_total{source=\"openai\"} 130\ncopy_generation_total{source=\"renamed\"} 9\n")
        clock.advance(5_000)
        #expect(source.read([Self.query(url)])["m"] == .pending)  // within the interval: no read
        #expect(target.requests == 1)
        clock.advance(5_000)
        #expect(Self.requests(source.read([Self.query(url)])["m"]) == 30)
        // A sample between ticks gets the last counts again, without a read.
        #expect(Self.requests(source.read([Self.query(url, due: false)])["m"]) == 30)
        #expect(target.requests == 2)
        // The baseline renamed: new counters from a new starting point, read at once.
        #expect(Self.requests(source.read([Self.query(url, baseline: "renamed")])["m"]) == 0)
        #expect(target.requests == 3)
    }

    @Test func healthGaugeFollowsReadings() {
        let metrics = ServerMetrics()
        let health = MetricsSourceHealth(metrics: metrics)
        Log.enabled = false
        health.record("m", .pending)
        #expect(metrics.metricsSourceUp.value(labels: ["m"]) == nil)
        health.record("m", .failed("metrics source scrape http://x/m: connection refused"))
        #expect(metrics.metricsSourceUp.value(labels: ["m"]) == 0)
        #expect(health.failure("m") == "metrics source scrape http://x/m: connection refused")
        health.record("m", .counts(.zero, note: nil))
        #expect(metrics.metricsSourceUp.value(labels: ["m"]) == 1 && health.failure("m") == nil)
        health.forget("m")
        #expect(metrics.metricsSourceUp.value(labels: ["m"]) == nil)
    }
}
