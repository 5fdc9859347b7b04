import CEpoll
import Glibc
import Synchronization

/// An HTTP/1.1 server on non-blocking sockets and epoll.
///
/// Each request goes through two steps: the head check, on the event loop as soon as the head is parsed
/// and before any body byte is buffered, which may answer at once (refusing a body never costs memory)
/// or say where the handler runs; then the handler, on the event loop (`.inline`: must not block) or on
/// a worker thread (`.offload`: may block; its connection waits, so answers stay in order).
///
/// One listening socket is shared by all loops (EPOLLEXCLUSIVE); accepted connections are dealt out
/// round-robin, and each connection stays on its loop for life, so a request never changes threads.
/// A handler cannot be interrupted: a handler that traps ends the process like any Swift trap.
package final class HTTPServer: @unchecked Sendable {
    private let config: HTTPServerConfig
    private let handler: @Sendable (HTTPRequest) -> HTTPResponse
    private let headCheck: @Sendable (HTTPRequestHead) -> HTTPHeadVerdict
    private let counters = ServerCounters()
    private let state = Mutex<State>(.idle)

    private enum State {
        case idle
        case running(Running)
        case stopped
    }

    private struct Running: @unchecked Sendable {
        var core: ServerCore
        var threads: [pthread_t]
        var port: UInt16
    }

    /// `headCheck` runs on the event loop for every request head (keep it cheap); the default handles
    /// every request inline.
    package init(config: HTTPServerConfig,
                headCheck: @escaping @Sendable (HTTPRequestHead) -> HTTPHeadVerdict = { _ in .inline },
                handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.config = config
        self.headCheck = headCheck
        self.handler = handler
    }

    /// The loops hold only an unowned reference to their shared state, so they must end before it does.
    deinit { shutdown() }

    /// Open connections right now (all loops).
    package var connectionCount: Int { counters.connections.load(ordering: .relaxed) }

    /// Connections closed at accept because `maxConnectionsInEffect` were open (since `init`).
    package var refusedConnections: Int { counters.refused.load(ordering: .relaxed) }

    /// Answer bytes not yet taken by the sockets, all connections together.
    package var queuedOutputBytes: Int { counters.queuedOutput.load(ordering: .relaxed) }

    /// The most answer bytes one connection held in the server at once since `init` (its unwritten
    /// answers plus the batch being written): bounded by `maxQueuedOutputBytes` plus one answer.
    package var peakConnectionOutputBytes: Int { counters.peakConnectionOutput.load(ordering: .relaxed) }

    /// Body bytes reserved by requests still arriving, all connections together.
    package var bufferedBodyBytes: Int { counters.bodyBytes.load(ordering: .relaxed) }

    /// The connection cap of the running server (0 before `start()`): `config.maxConnections`, lowered
    /// to leave `config.fileDescriptorReserve` descriptors of the process limit free.
    package var maxConnectionsInEffect: Int {
        state.withLock { state in
            if case .running(let running) = state { return running.core.maxConnections }
            return 0
        }
    }

    /// The connection cap for a descriptor limit: at most `configured`, and `reserve` below `fdLimit`
    /// (at least 1, so a tiny limit still serves someone).
    package static func connectionLimit(configured: Int, fdLimit: Int, reserve: Int) -> Int {
        max(1, min(configured, fdLimit - max(0, reserve)))
    }

    /// Binds, listens and starts the event loops. Returns the bound port (useful with port 0).
    /// Calling it again while running returns the same port; after `shutdown()` it throws.
    package func start() throws -> UInt16 {
        try state.withLock { state in
            switch state {
            case .running(let running): return running.port
            case .stopped: throw HTTPServerError(operation: "start", code: nil, reason: "the server was shut down")
            case .idle: break
            }
            let running = try launch()
            state = .running(running)
            return running.port
        }
    }

    private func launch() throws -> Running {
        let fdLimit = Self.prepareProcess()
        let cap = Self.connectionLimit(configured: config.maxConnections, fdLimit: fdLimit,
                                       reserve: config.fileDescriptorReserve)
        let (listenFD, port) = try Socket.listen(host: config.host, port: config.port, backlog: 4096)
        let core = ServerCore(config: config, handler: handler, headCheck: headCheck, listenFD: listenFD,
                              counters: counters, maxConnections: cap)
        do {
            for _ in 0..<max(1, config.eventLoops) { core.loops.append(try EventLoop(core: core)) }
        } catch {
            for loop in core.loops { loop.releaseResources() }
            close(listenFD)
            throw error
        }
        var threads: [pthread_t] = []
        for loop in core.loops {
            do {
                threads.append(try Self.spawn { loop.run() })
            } catch {
                // Stop the loops already running before giving up.
                core.stopping.store(true, ordering: .relaxed)
                for l in core.loops { l.wake() }
                for t in threads { pthread_join(t, nil) }
                for l in core.loops { l.releaseResources() }
                close(listenFD)
                throw error
            }
        }
        return Running(core: core, threads: threads, port: port)
    }

    /// Stops accepting, finishes in-flight responses (for up to 2 s), closes every connection, joins the
    /// loops. Safe to call more than once and from any thread but a loop thread.
    package func shutdown() {
        let running: Running? = state.withLock { state in
            defer { state = .stopped }
            if case .running(let running) = state { return running }
            return nil
        }
        guard let running else { return }
        let core = running.core
        core.stopping.store(true, ordering: .relaxed)
        for loop in core.loops { loop.wake() }
        for thread in running.threads { pthread_join(thread, nil) }
        close(core.listenFD)
        for loop in core.loops { loop.releaseResources() }
        // Handlers still running on workers finish before the caller closes what they use (the store).
        core.workers.drain()
        core.loops = []
    }

    /// Process-wide settings a server needs: no SIGPIPE on writes to closed sockets, and as many file
    /// descriptors as the hard limit allows (idle keep-alive clients each hold one). Returns the
    /// descriptor limit in effect afterwards.
    private static func prepareProcess() -> Int {
        _ = signal(SIGPIPE, SIG_IGN)  // cannot fail for a valid, catchable signal
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            // Best effort: the old limit still works.
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur >= rlim_t(Int32.max) ? Int(Int32.max) : Int(limit.rlim_cur)
    }

    private final class ThreadBody {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    private static func spawn(_ body: @escaping () -> Void) throws -> pthread_t {
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            Unmanaged<ThreadBody>.fromOpaque(arg!).takeRetainedValue().run()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            throw HTTPServerError.errno("pthread_create", rc)
        }
        return thread
    }
}
