import Synchronization

/// State shared by the event loops of one running server.
final class ServerCore: @unchecked Sendable {
    let config: HTTPServerConfig
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    let listenFD: Int32
    let counters: ServerCounters
    let stopping = Atomic<Bool>(false)
    private let nextLoop = Atomic<Int>(0)
    /// Set once before any loop thread starts; read-only afterwards.
    var loops: [EventLoop] = []

    init(config: HTTPServerConfig, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse, listenFD: Int32,
         counters: ServerCounters) {
        self.config = config
        self.handler = handler
        self.listenFD = listenFD
        self.counters = counters
    }

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Round-robin choice of the loop that owns a new connection, so both cores get work even when one
    /// loop happens to accept every connection.
    func pickLoop() -> EventLoop {
        let n = nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[Int(UInt(bitPattern: n) % UInt(loops.count))]
    }
}

/// Counters that outlive a server run (read by `HTTPServer.connectionCount`).
final class ServerCounters: Sendable {
    let connections = Atomic<Int>(0)
}
