import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GlidepathCore
import GlidepathServer
import GlidepathShim
import HTTPServer
import SQLiteStore
import Testing

/// The real controller (SQLite store in a temp directory, HTTP on port 0, its own /metrics as the
/// source) and the Swift shim over URLSession: healthy traffic drives the candidate to promotion and
/// the shim's routing follows.
struct LiveControllerTests {
    @Test func theShimRidesOutAControllerOutageAndDeliversItsBufferAfterwards() async throws {
        Log.enabled = false
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("glidepath-shim-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteMigrationStore(path: dir + "/glidepath.db")
        defer { store.close() }
        let controller = Controller(store: store, time: ManualTimeSource(1_764_000_000_000))
        let router = Router(controller: controller, auth: Authorizer(adminToken: "adm", ingestToken: "ing"))
        var config = HTTPServerConfig()
        config.port = 0
        config.eventLoops = 1
        let first = HTTPServer(config: config, handler: { router.handle($0) })
        config.port = try first.start()
        let base = "http://127.0.0.1:\(config.port)"
        _ = try controller.apply(policySource: #"{"migration": "outage", "baseline": "openai", "candidate": "holysheep", "#
            + #""steps": [{"weight": 30, "bake": "1h"}, {"weight": 100}]}"#, name: "outage")

        let events = EventLog()
        let shim = try GlidepathShim(configuration: .init(
            server: URL(string: base)!, migration: "outage", ingestToken: "ing", baseline: "openai",
            batchInterval: 0.05, pollInterval: 0.1, onEvent: events.sink))
        shim.start()
        #expect(await eventually { shim.weights?.candidateBasisPoints == 3000 })
        let keys = (0..<300).map { "merchant-\($0)" }
        let routed = keys.map { shim.route(key: $0) }

        first.shutdown()
        #expect(await eventually { events.all.contains { if case .pollFailed = $0 { true } else { false } } })
        for (key, arm) in zip(keys, routed) {
            #expect(shim.route(key: key) == arm)
            shim.record(arm: arm, status: 200, latency: .milliseconds(100))
        }
        #expect(await eventually { events.all.contains { if case .batchFailed = $0 { true } else { false } } })
        #expect(shim.bufferedLines == 300)

        let second = HTTPServer(config: config, handler: { router.handle($0) })
        _ = try second.start()
        defer { second.shutdown() }
        #expect(await eventually { shim.bufferedLines == 0 })
        await shim.stop()
        let counts = try ScrapeMetricsSource(url: base + "/metrics")
            .fetch([MetricsQuery(migration: "outage", baseline: "openai", candidate: "holysheep")])["outage"]
        #expect(counts?.baseline.requests == UInt64(routed.filter { $0 == "openai" }.count))
        #expect(counts?.candidate.requests == UInt64(routed.filter { $0 == "holysheep" }.count))
        #expect(shim.droppedLines == 0)
    }

    @Test func aHealthyCandidateIsPromotedAndTheShimFollows() async throws {
        Log.enabled = false
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("glidepath-shim-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let clock = ManualTimeSource(1_764_000_000_000)
        let store = try SQLiteMigrationStore(path: dir + "/glidepath.db")
        defer { store.close() }
        let controller = Controller(store: store, time: clock)
        let router = Router(controller: controller, auth: Authorizer(adminToken: "adm", ingestToken: "ing"))
        var config = HTTPServerConfig()
        config.port = 0
        config.eventLoops = 1
        let server = HTTPServer(config: config, handler: { router.handle($0) })
        let port = try server.start()
        defer { server.shutdown() }
        let base = "http://127.0.0.1:\(port)"
        let policy = #"{"migration": "live", "baseline": "openai", "candidate": "holysheep", "interval": "1s", "minRequests": 50, "#
            + #""steps": [{"weight": 10, "bake": "2s"}, {"weight": 50, "bake": "2s"}, {"weight": 100}]}"#
        _ = try controller.apply(policySource: policy, name: "live")

        let events = EventLog()
        let shim = try GlidepathShim(configuration: .init(
            server: URL(string: base)!, migration: "live", ingestToken: "ing", baseline: "openai", candidate: "holysheep",
            shimID: "live-test", batchInterval: 0.05, pollInterval: 0.1, onEvent: events.sink))
        #expect(shim.route(key: "tenant-1") == "openai")
        shim.start()
        #expect(await eventually { shim.weights?.candidateBasisPoints == 1000 })

        let source = ScrapeMetricsSource(url: base + "/metrics")
        let keys = (0..<1000).map { "tenant-\($0)" }
        var weightsSeen: [Int] = []
        for round in 0..<120 {
            for (i, key) in keys.enumerated() {
                let arm = shim.route(key: key)
                shim.record(arm: arm, status: 200, latency: .milliseconds(80 + (i * 7 + round) % 60), tokens: 100)
            }
            await shim.flush()
            clock.advance(milliseconds: 1000)
            controller.runOnce(now: clock.now(), source: source)
            await shim.refresh()
            if let bp = shim.weights?.candidateBasisPoints, weightsSeen.last != bp { weightsSeen.append(bp) }
            if controller.entry("live")?.status.phase == .promoted { break }
        }
        #expect(controller.entry("live")?.status.phase == .promoted)
        #expect(weightsSeen == [1000, 5000, 10000])
        #expect(keys.allSatisfy { shim.route(key: $0) == "holysheep" })
        #expect(shim.route(key: nil) == "holysheep")
        await shim.stop()
        #expect(shim.bufferedLines == 0 && shim.droppedLines == 0)
        #expect(!events.all.contains { if case .batchDropped = $0 { true } else if case .weightsRejected = $0 { true } else { false } })
    }
}

/// The shim wire of issue 9 against the real controller: the policy's 401/403 and breaker reach the
/// shim through the weights document, and its trips and fallbacks reach `/metrics`.
struct LiveShimWireTests {
    @Test func aKeyRotationsRefusedKeyTripsTheBreakerAndTheControllerCountsTripsAndFallbacks() async throws {
        Log.enabled = false
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("glidepath-shim-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteMigrationStore(path: dir + "/glidepath.db")
        defer { store.close() }
        let controller = Controller(store: store, time: ManualTimeSource(1_764_000_000_000))
        let router = Router(controller: controller, auth: Authorizer(adminToken: "adm", ingestToken: "ing"))
        var config = HTTPServerConfig()
        config.port = 0
        config.eventLoops = 1
        let server = HTTPServer(config: config, handler: { router.handle($0) })
        let port = try server.start()
        defer { server.shutdown() }
        _ = try controller.apply(policySource: #"{"migration": "key-rotation", "baseline": "key-old", "candidate": "key-new", "#
            + #""steps": [{"weight": 50, "bake": "1h"}, {"weight": 100}], "#
            + #""guards": {"errors": {"statuses": [0, 401, 403, 429, "5xx"]}}, "breaker": {"consecutiveErrors": 3, "openSeconds": 60}}"#,
            name: "key-rotation")

        let clock = ManualClock()
        let shim = try GlidepathShim(configuration: .init(
            server: URL(string: "http://127.0.0.1:\(port)")!, migration: "key-rotation", ingestToken: "ing",
            baseline: "key-old", candidate: "key-new", clock: clock.read))
        #expect(await shim.refresh() == .updated(revision: 1))
        #expect(shim.errorStatuses.description == #"[0,401,403,429,"5xx"]"#)
        #expect(shim.breakerSettings == .init(consecutiveErrors: 3, openSeconds: 60))
        let keys = (0..<100).map { "tenant-\($0)" }.filter { ShimBucketing.bucket(migration: "key-rotation", key: $0) < 5000 }.prefix(5)
        var calls: [String] = []
        for key in keys {
            let answer = await shim.call(key: key) { arm in
                calls.append(arm)
                return .init(status: arm == "key-new" ? 401 : 200, value: arm)
            }
            #expect(answer.arm == "key-old" && answer.status == 200)
        }
        #expect(calls == ["key-new", "key-old", "key-new", "key-old", "key-new", "key-old", "key-old", "key-old"])
        #expect(shim.breakerTrips == 1 && shim.fallbacks == 3)
        #expect(await shim.flush() == 8)
        let metrics = try #require(String(data: try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!).0,
                                          encoding: .utf8))
        #expect(metrics.contains(#"glidepath_shim_breaker_trips_total{migration="key-rotation"} 1"#))
        #expect(metrics.contains(#"glidepath_fallbacks_total{migration="key-rotation"} 3"#))
        let counts = try ScrapeMetricsSource(url: "http://127.0.0.1:\(port)/metrics")
            .fetch([MetricsQuery(migration: "key-rotation", baseline: "key-old", candidate: "key-new")])["key-rotation"]
        #expect(counts?.candidate.requests == 3 && counts?.candidate.errors == 3)
        #expect(counts?.baseline.requests == 5 && counts?.baseline.errors == 0)
    }
}
