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

        let clock = ManualTimeSource(Fixture.start)
        let store = try SQLiteMigrationStore(path: dbPath)
        let controller = Controller(store: store, time: clock)
        let router = Router(controller: controller, auth: Authorizer(adminToken: "adm", ingestToken: "ing"))
        var config = HTTPServerConfig()
        config.port = 0
        config.eventLoops = 1
        let server = HTTPServer(config: config, headCheck: { router.head($0) }, handler: { router.handle($0) })
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
        let again = Controller(store: reopened, time: clock)
        #expect(try again.load() == 1)
        let after = try #require(again.entry("chat-completions"))
        #expect(after.status == before.status)
        #expect(after.judge == before.judge)
        #expect(after.policy == before.policy)
        #expect(after.lastDecision?.action == .pause)
        #expect(again.served("chat-completions")?.weights.body == controller.served("chat-completions")?.weights.body)
        #expect(try again.decisions(migration: "chat-completions", limit: 10).map(\.action) == [.pause, .created])
    }

    /// 300 clients each starting a 1 MiB policy upload without a token: each gets 401 from the head, before
    /// sending the body, and the server buffers none of it.
    @Test func unauthenticatedBodiesAreRefusedBeforeTheyAreRead() throws {
        Log.enabled = false
        let w = Fixture.world()
        var config = HTTPServerConfig()
        config.port = 0
        let router = w.router
        let server = HTTPServer(config: config, headCheck: { router.head($0) }, handler: { router.handle($0) })
        let port = try server.start()
        defer { server.shutdown() }
        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        for _ in 0..<300 {
            let fd = try RawClient.connect(port: port)
            sockets.append(fd)
            try RawClient.send(fd, "PUT /v1/migrations/m HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n"
                + String(repeating: "{", count: 900_000 / 300))
        }
        for fd in sockets {
            let head = try RawClient.readHead(fd)
            #expect(head.hasPrefix("HTTP/1.1 401 Unauthorized\r\n"))
            #expect(head.contains("\r\nConnection: close\r\n"))
        }
        #expect(server.bufferedBodyBytes == 0)
        #expect(w.store.saves.isEmpty)
        #expect(w.controller.metrics.httpRequests.value(labels: ["/v1/migrations/{name}", "401"]) == 300)
    }
}

/// A blocking socket that reads an answer's head with a timeout.
enum RawClient {
    struct Failure: Error { var what: String }

    static func connect(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(what: "socket") }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw Failure(what: "connect")
        }
        return fd
    }

    static func send(_ fd: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(what: "send") }
            offset += n
        }
    }

    /// Reads until the blank line that ends a response head.
    static func readHead(_ fd: Int32) throws -> String {
        var got: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !got.ends(with: [13, 10, 13, 10]) && !String(decoding: got, as: UTF8.self).contains("\r\n\r\n") {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure(what: "read: got \(String(decoding: got, as: UTF8.self))") }
            got += chunk[0..<n]
        }
        return String(decoding: got, as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
