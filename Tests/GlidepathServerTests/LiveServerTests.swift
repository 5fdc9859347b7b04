import Foundation
import GlidepathCore
import HTTPServer
import SQLiteStore
import Testing
@testable import GlidepathServer

/// The real transport on port 0, the SQLite store in a fresh directory, and the control loop reading the
/// server's own `/metrics`; then the store is reopened to check that state survived.
@Suite struct LiveServerTests {
    @Test func servesIngestsJudgesAndSurvivesARestart() throws {
        Log.enabled = false
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("glidepath-live-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let dbPath = dir + "/glidepath.db"

        let clock = ManualClock(Fixture.start)
        let store = try SQLiteMigrationStore(path: dbPath)
        let controller = Controller(store: store, clock: clock)
        let router = Router(controller: controller, auth: Authorizer(adminToken: "adm", ingestToken: "ing"))
        var config = HTTPServerConfig()
        config.port = 0
        config.eventLoops = 1
        let server = HTTPServer(config: config, handler: { router.handle($0) })
        let port = try server.start()
        let base = "http://127.0.0.1:\(port)"

        let put = try HTTPClient.send(method: "PUT", url: base + "/v1/migrations/chat-completions",
                                      headers: [("Authorization", "Bearer adm")], body: Array(Fixture.policy().utf8))
        #expect(put.status == 201)
        let post = try HTTPClient.send(method: "POST", url: base + "/v1/migrations/chat-completions/observations",
                                       headers: [("Authorization", "Bearer ing"), ("Content-Type", "text/plain")],
                                       body: Array("openai 200 100\nopenai 503 100\nholysheep 200 250 tokens=9\n".utf8))
        #expect(post.status == 202)
        #expect(try HTTPClient.send(method: "GET", url: base + "/readyz").status == 503)

        let source = ScrapeMetricsSource(url: base + "/metrics")
        let snapshot = try source.fetch([MetricsQuery(migration: "chat-completions", baseline: "openai", candidate: "holysheep")])
        let pair = try #require(snapshot["chat-completions"])
        #expect(pair.baseline.requests == 2 && pair.baseline.errors == 1)
        #expect(pair.candidate.requests == 1 && pair.candidate.tokens == 9)
        #expect(pair.candidate.latency[LatencyBuckets.index(ofSeconds: 0.25)] == 1)

        clock.advance(milliseconds: 10_000)
        let report = controller.runOnce(now: clock.now(), source: source)
        #expect(report.ticked == ["chat-completions"])
        #expect(try HTTPClient.send(method: "GET", url: base + "/readyz").status == 200)
        let paused = try HTTPClient.send(method: "POST", url: base + "/v1/migrations/chat-completions/pause",
                                         headers: [("Authorization", "Bearer adm")], body: Array(#"{"reason":"live test"}"#.utf8))
        #expect(paused.status == 200)
        let weights = try HTTPClient.send(method: "GET", url: base + "/v1/migrations/chat-completions/weights")
        #expect(weights.headers["ETag"] == #""2""#)
        let before = try #require(controller.entry("chat-completions"))
        server.shutdown()
        store.close()

        let reopened = try SQLiteMigrationStore(path: dbPath)
        defer { reopened.close() }
        let again = Controller(store: reopened, clock: clock)
        #expect(try again.load() == 1)
        let after = try #require(again.entry("chat-completions"))
        #expect(after.status == before.status)
        #expect(after.judge == before.judge)
        #expect(after.policy == before.policy)
        #expect(after.lastDecision?.action == .pause)
        #expect(again.served("chat-completions")?.weights.body == controller.served("chat-completions")?.weights.body)
        #expect(try again.decisions(migration: "chat-completions", limit: 10).map(\.action) == [.pause, .created])
    }
}
