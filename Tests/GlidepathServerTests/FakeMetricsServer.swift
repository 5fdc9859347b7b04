import Foundation
import HTTPServer
@testable import GlidepathServer

/// A metrics endpoint for live tests on 127.0.0.1, port 0: answers every request from `answer` (settable
/// at any time), optionally after a delay, and counts requests.
final class FakeMetricsServer: @unchecked Sendable {
    private let lock = NSLock()
    private var answerFn: @Sendable (HTTPRequest) -> HTTPResponse = { _ in HTTPResponse(status: 404) }
    private var delaySeconds: Double = 0
    private var count = 0
    private let server: HTTPServer
    let port: UInt16

    init() throws {
        var config = HTTPServerConfig()
        config.port = 0
        config.eventLoops = 1
        config.workerThreads = 4
        let box = Box()
        server = HTTPServer(config: config, headCheck: { _ in .offload }, handler: { box.handle?($0) ?? HTTPResponse(status: 500) })
        port = try server.start()
        box.handle = { [unowned self] request in self.respond(request) }
    }

    private final class Box: @unchecked Sendable {
        var handle: (@Sendable (HTTPRequest) -> HTTPResponse)?
    }

    var base: String { "http://127.0.0.1:\(port)" }
    var requests: Int { lock.withLock { count } }

    func answer(_ f: @escaping @Sendable (HTTPRequest) -> HTTPResponse) { lock.withLock { answerFn = f } }
    func delay(_ seconds: Double) { lock.withLock { delaySeconds = seconds } }

    /// Serves `text` as a Prometheus text exposition.
    func expose(_ text: String) {
        answer { _ in
            var h = HTTPHeaders()
            h.add("Content-Type", "text/plain; version=0.0.4")
            return HTTPResponse(status: 200, headers: h, body: Array(text.utf8))
        }
    }

    private func respond(_ request: HTTPRequest) -> HTTPResponse {
        let (f, d) = lock.withLock { () -> (@Sendable (HTTPRequest) -> HTTPResponse, Double) in
            count += 1
            return (answerFn, delaySeconds)
        }
        if d > 0 { Thread.sleep(forTimeInterval: d) }
        return f(request)
    }

    func stop() { server.shutdown() }
}
