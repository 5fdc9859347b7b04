import Synchronization

/// State shared by the event loops of one running server.
final class ServerCore: @unchecked Sendable {
    let config: HTTPServerConfig
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    let headCheck: @Sendable (HTTPRequestHead) -> HTTPHeadVerdict
    let listenFD: Int32
    let counters: ServerCounters
    /// `config.maxConnections`, lowered to stay below the descriptor limit (see `HTTPServer.connectionLimit`).
    let maxConnections: Int
    let workers: WorkerPool
    let stopping = Atomic<Bool>(false)
    private let nextLoop = Atomic<Int>(0)
    /// Set once before any loop thread starts; read-only afterwards.
    var loops: [EventLoop] = []

    init(config: HTTPServerConfig, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse,
         headCheck: @escaping @Sendable (HTTPRequestHead) -> HTTPHeadVerdict, listenFD: Int32,
         counters: ServerCounters, maxConnections: Int) {
        self.config = config
        self.handler = handler
        self.headCheck = headCheck
        self.listenFD = listenFD
        self.counters = counters
        self.maxConnections = maxConnections
        workers = WorkerPool(threads: config.workerThreads, maxQueued: config.maxQueuedWork)
    }

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Round-robin choice of the loop that owns a new connection, so both cores get work even when one
    /// loop happens to accept every connection.
    func pickLoop() -> EventLoop {
        let n = nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[Int(UInt(bitPattern: n) % UInt(loops.count))]
    }

    /// Reserves `bytes` of the server-wide body budget; false (nothing reserved) when it would overflow.
    func reserveBody(_ bytes: Int) -> Bool {
        if counters.bodyBytes.wrappingAdd(bytes, ordering: .relaxed).newValue > config.maxBufferedBodyBytes {
            counters.bodyBytes.subtract(bytes, ordering: .relaxed)
            return false
        }
        return true
    }

    func releaseBody(_ bytes: Int) {
        if bytes > 0 { counters.bodyBytes.subtract(bytes, ordering: .relaxed) }
    }
}

/// Counters that outlive a server run (read by `HTTPServer.connectionCount` and friends).
final class ServerCounters: Sendable {
    let connections = Atomic<Int>(0)
    /// Connections closed at accept because the cap was reached.
    let refused = Atomic<Int>(0)
    /// Answer bytes written to no socket yet, all connections together.
    let queuedOutput = Atomic<Int>(0)
    /// Body bytes reserved by requests being received, all connections together.
    let bodyBytes = Atomic<Int>(0)
    /// The most answer bytes one connection held at once (queued plus the batch being written).
    let peakConnectionOutput = Atomic<Int>(0)

    func notePeak(_ bytes: Int) {
        var seen = peakConnectionOutput.load(ordering: .relaxed)
        while bytes > seen {
            let (exchanged, current) = peakConnectionOutput.compareExchange(
                expected: seen, desired: bytes, ordering: .relaxed)
            if exchanged { return }
            seen = current
        }
    }
}
