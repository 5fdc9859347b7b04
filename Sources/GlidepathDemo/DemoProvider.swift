import Glibc
import GlidepathSimulator
import HTTPServer
import JSONText
import Synchronization

/// A simulated AI provider: an HTTP server on loopback answering `POST /v1/chat/completions` as its
/// `ProviderBehaviour` says — a status drawn from its error rate, after a latency drawn from its
/// lognormal. The wait happens on the server's worker threads, so the caller measures it for real.
package final class DemoProvider: Sendable {
    package let behaviour: ProviderBehaviour
    private let server: HTTPServer
    private let port: Mutex<UInt16?> = Mutex(nil)

    /// Requests handled at once, at most: the worker threads (each waits out one answer's latency).
    package static let workerThreads = 64

    /// `seed` makes the provider's draws repeatable.
    package init(behaviour: ProviderBehaviour, seed: UInt64) {
        self.behaviour = behaviour
        let random = Mutex(Xoshiro256(seed: seed))
        var config = HTTPServerConfig()
        config.host = "127.0.0.1"
        config.port = 0
        config.eventLoops = 1
        // Jobs are dealt round-robin: with 64 queues a queue comes round again only after 64 requests
        // (over 100 ms at the demo's rates), so an answer rarely waits behind another one's latency.
        config.workerThreads = Self.workerThreads
        config.maxQueuedWork = 4096
        config.maxConnections = 4096
        let behaviour = behaviour
        server = HTTPServer(config: config, headCheck: { _ in .offload }, handler: { request in
            Self.handle(request, behaviour: behaviour, draw: { random.withLock { behaviour.answer(&$0) } })
        })
    }

    /// Starts listening on a free loopback port and returns it.
    package func start() throws -> UInt16 {
        let p = try server.start()
        port.withLock { $0 = p }
        return p
    }

    /// `http://127.0.0.1:PORT` once started.
    package var baseURL: String? { port.withLock { $0 }.map { "http://127.0.0.1:\($0)" } }

    /// Finishes the answers in progress and closes the socket. Safe to call more than once.
    package func stop() { server.shutdown() }

    /// The answer to one request (waits the drawn latency first). Only the completions endpoint exists.
    static func handle(_ request: HTTPRequest, behaviour: ProviderBehaviour,
                       draw: () -> ProviderBehaviour.Answer) -> HTTPResponse {
        guard request.method == "POST", request.path == "/v1/chat/completions" else {
            return .json(404, #"{"error": {"message": "only POST /v1/chat/completions here", "type": "not_found"}}"#)
        }
        let answer = draw()
        usleep(useconds_t(max(0, answer.milliseconds * 1000)))
        return response(answer, behaviour: behaviour)
    }

    /// An OpenAI-style body: a completion for 200, an error object otherwise.
    static func response(_ answer: ProviderBehaviour.Answer, behaviour: ProviderBehaviour) -> HTTPResponse {
        let model = jsonQuoted(behaviour.name)
        guard answer.status == 200 else {
            let type = answer.status == 429 ? "rate_limit_exceeded" : "server_error"
            return .json(answer.status, #"{"error": {"message": "simulated failure", "type": "\#(type)", "model": \#(model)}}"#)
        }
        return .json(200, #"{"object": "chat.completion", "model": \#(model), "#
            + #""choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]}"#)
    }
}
