import Foundation
import HTTPServer
@testable import GlidepathServer

/// A local webhook receiver for live tests: the project's HTTP server on 127.0.0.1, port 0, answering from a
/// script (then 200), optionally sleeping before each answer, and recording every request it got.
final class WebhookReceiver: @unchecked Sendable {
    struct Answer: Sendable {
        var status: Int
        var body = "ok"
        var headers: [(String, String)] = []
        var delay: Double = 0
    }

    private let lock = NSLock()
    private var script: [Answer]
    private var received: [HTTPRequest] = []
    private var inFlight = 0
    private let server: HTTPServer
    let port: UInt16

    init(_ answers: [Answer] = []) throws {
        script = answers
        var config = HTTPServerConfig()
        config.port = 0
        config.eventLoops = 1
        config.workerThreads = 4
        // Every request goes to a worker thread, so a sleeping answer does not stall the receiver's loop.
        let box = HandlerBox()
        server = HTTPServer(config: config, headCheck: { _ in .offload }, handler: { box.handle?($0) ?? HTTPResponse(status: 500) })
        port = try server.start()
        box.handle = { [unowned self] request in self.answer(request) }
    }

    private final class HandlerBox: @unchecked Sendable {
        var handle: (@Sendable (HTTPRequest) -> HTTPResponse)?
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var requests: [HTTPRequest] { lock.withLock { received } }
    var busy: Bool { lock.withLock { inFlight > 0 } }

    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        let a = lock.withLock { () -> Answer in
            received.append(request)
            inFlight += 1
            return script.isEmpty ? Answer(status: 200) : script.removeFirst()
        }
        if a.delay > 0 { Thread.sleep(forTimeInterval: a.delay) }
        lock.withLock { inFlight -= 1 }
        var headers = HTTPHeaders()
        for (n, v) in a.headers { headers.add(n, v) }
        headers.add("Content-Type", "text/plain")
        return HTTPResponse(status: a.status, headers: headers, body: Array(a.body.utf8))
    }

    /// Waits until `count` requests arrived (true) or `timeout` seconds passed (false).
    func wait(for count: Int, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if requests.count >= count { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return requests.count >= count
    }

    func stop() { server.shutdown() }
}
