import CEpoll
import Glibc
import Synchronization

/// One event-loop thread: its own epoll set, the connections it owns, a scratch read buffer and an
/// output buffer shared by all its connections. Everything but `enqueue`, `complete` and `wake` runs on
/// the loop's own thread.
final class EventLoop: @unchecked Sendable {
    unowned let core: ServerCore
    let epfd: Int32
    /// eventfd that wakes the loop for handed-over connections and for shutdown.
    let wakeFD: Int32
    /// Connections by file descriptor.
    var connections: [Connection?] = []
    var liveCount = 0
    /// Monotonic time of the current iteration, read once per epoll_wait.
    var now: Int64 = 0
    let scratch: UnsafeMutableRawBufferPointer
    var out: [UInt8] = []
    /// The `Date` line of this second.
    var date = HTTPDate()
    /// Connections whose parser paused and whose output drained: resumed before the next wait.
    var ready: [Connection] = []
    private let inbox = Mutex<[Int32]>([])
    /// Answers of offloaded requests, handed back by workers; `closed` once the loop released its fds.
    private let completions = Mutex<(items: [Completion], closed: Bool)>(([], false))
    private var acceptPausedUntil: Int64 = 0
    let idleMs: Int64
    let requestMs: Int64
    let sweepMs: Int64
    static let lingerMs: Int64 = 2000
    static let shutdownGraceMs: Int64 = 2000

    init(core: ServerCore) throws {
        self.core = core
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else { throw HTTPServerError.errno("epoll_create1") }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            let error = HTTPServerError.errno("eventfd")
            close(epfd)
            throw error
        }
        scratch = .allocate(byteCount: 64 * 1024, alignment: 16)
        out.reserveCapacity(16 * 1024)
        idleMs = Self.milliseconds(core.config.idleTimeout)
        requestMs = Self.milliseconds(core.config.requestTimeout)
        sweepMs = min(250, max(10, min(idleMs, requestMs) / 4))
        do {
            try register(wakeFD, events: CEPOLL_IN)
            try register(core.listenFD, events: CEPOLL_IN | CEPOLL_EXCLUSIVE)
        } catch {
            releaseResources()
            throw error
        }
    }

    /// Seconds to milliseconds, clamped so that `.infinity` or NaN cannot trap the conversion.
    static func milliseconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite else { return seconds > 0 ? Int64(1) << 50 : 0 }
        return Int64(min(max(seconds, 0), 1e12) * 1000)
    }

    /// Closes the epoll set, the eventfd and any connection handed over after the loop ended.
    func releaseResources() {
        for fd in inbox.withLock({ fds in defer { fds = [] }; return fds }) {
            close(fd)
            core.counters.connections.subtract(1, ordering: .relaxed)
        }
        // A worker finishing later must not write to a closed (maybe reused) eventfd.
        completions.withLock { state in
            state.closed = true
            state.items = []
            close(wakeFD)
        }
        close(epfd)
        scratch.deallocate()
    }

    private func register(_ fd: Int32, events: UInt32) throws {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        guard epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) == 0 else { throw HTTPServerError.errno("epoll_ctl add") }
    }

    /// Hands an accepted connection to this loop from another loop's thread.
    func enqueue(_ fd: Int32) {
        inbox.withLock { $0.append(fd) }
        wake()
    }

    /// Hands the answer of an offloaded request back to this loop (from a worker thread).
    func complete(_ token: ConnectionToken, _ response: HTTPResponse) {
        completions.withLock { state in
            guard !state.closed else { return }
            state.items.append(Completion(token: token, response: response))
            wake()
        }
    }

    func takeCompletions() -> [Completion] {
        completions.withLock { state in defer { state.items = [] }; return state.items }
    }

    func wake() {
        var one: UInt64 = 1
        // EAGAIN means the counter is already non-zero: the loop will wake anyway.
        _ = write(wakeFD, &one, 8)
    }

    /// The loop body: runs until shutdown has flushed or the grace period ends.
    func run() {
        let maxEvents: Int32 = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(maxEvents))
        defer { events.deallocate() }
        now = MonotonicClock.nowMs()
        var lastSweep = now
        var stopDeadline: Int64 = 0
        while true {
            let timeout = !ready.isEmpty ? 0 : stopDeadline > 0 ? 20 : Int32(sweepMs)
            let n = epoll_wait(epfd, events, maxEvents, timeout)
            now = MonotonicClock.nowMs()
            date.refresh()
            if n < 0 && errno != EINTR {
                report(HTTPServerError.errno("epoll_wait"))
                break
            }
            for i in 0..<Int(max(n, 0)) { dispatch(events[i]) }
            resumeReady()
            if stopDeadline == 0 && core.isStopping {
                stopDeadline = now + Self.shutdownGraceMs
                beginStop()
            }
            if stopDeadline > 0 && (liveCount == 0 || now >= stopDeadline) { break }
            if acceptPausedUntil > 0 && now >= acceptPausedUntil && !core.isStopping {
                acceptPausedUntil = 0
                do { try register(core.listenFD, events: CEPOLL_IN | CEPOLL_EXCLUSIVE) } catch { report(error) }
            }
            if now - lastSweep >= sweepMs {
                sweep()
                lastSweep = now
            }
        }
        for case let c? in connections { closeConnection(c) }
    }

    private func dispatch(_ event: epoll_event) {
        let fd = event.data.fd
        if fd == wakeFD {
            var value: UInt64 = 0
            _ = read(wakeFD, &value, 8)  // EAGAIN only means another wake already drained it
            adoptInbox()
            for completion in takeCompletions() { finishOffloaded(completion) }
        } else if fd == core.listenFD {
            if !core.isStopping { acceptBatch() }
        } else if fd >= 0, Int(fd) < connections.count, let c = connections[Int(fd)] {
            let flags = event.events
            if flags & CEPOLL_ERR != 0 {
                closeConnection(c)
                return
            }
            // Both directions are gone: nobody can read what a paused or offloaded request would answer.
            if flags & CEPOLL_HUP != 0, c.registered & CEPOLL_IN == 0, !c.hasPendingOutput {
                closeConnection(c)
                return
            }
            if flags & (CEPOLL_IN | CEPOLL_HUP) != 0 { onReadable(c) }
            if flags & CEPOLL_OUT != 0, connections[Int(fd)] === c { onWritable(c) }
        }
    }

    /// Accepts a bounded batch so one busy listener cannot starve the loop's connections.
    private func acceptBatch() {
        for _ in 0..<64 {
            let fd = accept(core.listenFD, nil, nil)
            if fd < 0 {
                let code = errno
                if code == EINTR || code == ECONNABORTED { continue }
                if code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM {
                    // Out of descriptors: a level-triggered listener would spin, so stop listening briefly.
                    report(HTTPServerError.errno("accept", code))
                    if epoll_ctl(epfd, EPOLL_CTL_DEL, core.listenFD, nil) == 0 { acceptPausedUntil = now + 100 }
                }
                return
            }
            let count = core.counters.connections.wrappingAdd(1, ordering: .relaxed).newValue
            if count > core.maxConnections {
                // Uncount first: whoever sees the close must also see the count back at the cap.
                core.counters.connections.subtract(1, ordering: .relaxed)
                core.counters.refused.add(1, ordering: .relaxed)
                close(fd)
                continue
            }
            var one: Int32 = 1
            guard cepoll_set_nonblocking(fd) == 0,
                  setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size)) == 0
            else {
                close(fd)
                core.counters.connections.subtract(1, ordering: .relaxed)
                continue
            }
            let target = core.pickLoop()
            if target === self { adopt(fd) } else { target.enqueue(fd) }
        }
    }

    private func adoptInbox() {
        let fds = inbox.withLock { fds in defer { fds = [] }; return fds }
        for fd in fds { adopt(fd) }
    }

    /// Starts serving an accepted, already non-blocking socket.
    private func adopt(_ fd: Int32) {
        guard !core.isStopping else {
            close(fd)
            core.counters.connections.subtract(1, ordering: .relaxed)
            return
        }
        do {
            try register(fd, events: CEPOLL_IN)
        } catch {
            close(fd)
            core.counters.connections.subtract(1, ordering: .relaxed)
            return
        }
        if Int(fd) >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - connections.count + 64))
        }
        let parser = HTTPRequestParser(maxHeaderBytes: core.config.maxHeaderBytes,
                                       maxBodyBytes: core.config.maxBodyBytes, reportsHeads: true)
        connections[Int(fd)] = Connection(fd: fd, parser: parser, now: now, registered: CEPOLL_IN)
        liveCount += 1
    }

    /// Stops listening; closes connections with nothing left to send, the others once they flush.
    private func beginStop() {
        _ = epoll_ctl(epfd, EPOLL_CTL_DEL, core.listenFD, nil)  // ENOENT when accepting was paused
        for case let c? in connections {
            if (c.hasPendingOutput || c.inFlight) && c.lingerDeadline == 0 {
                c.closeAfterFlush = true
                c.lingerAfterFlush = false
            } else {
                closeConnection(c)
            }
        }
    }

    func report(_ error: Error) {
        let line = Array("glidepath http: \(error)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// The answer of an offloaded request, on its way back to the connection's loop.
struct Completion {
    let token: ConnectionToken
    let response: HTTPResponse
}
