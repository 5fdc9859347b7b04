/// One accepted socket and what the event loop must remember about it between events.
///
/// Kept small on purpose: an idle keep-alive connection owns no buffers (the parser's leftover and the
/// pending output are empty arrays), so ten thousand of them cost a few megabytes.
final class Connection {
    let fd: Int32
    var parser: HTTPRequestParser
    /// Response bytes the socket did not take yet; written from `outboundOffset` on EPOLLOUT.
    var outbound: [UInt8] = []
    var outboundOffset = 0
    /// Last time bytes moved either way (idle and stalled-writer timeouts).
    var lastActivity: Int64
    /// When the unfinished request began arriving (the 408 timer); 0 when none is under way.
    var requestStart: Int64 = 0
    /// Close once `outbound` is flushed.
    var closeAfterFlush = false
    /// On closing, half-close and drain the client's remaining bytes first so it sees our answer.
    var lingerAfterFlush = false
    /// Set while lingering: close at this time at the latest.
    var lingerDeadline: Int64 = 0
    /// The epoll events currently registered (EPOLLIN, EPOLLOUT, both or neither).
    var registered: UInt32
    /// The head check said where the request whose body is arriving runs, or answered it already.
    var verdict: HTTPHeadVerdict = .inline
    /// Body bytes of the arriving request reserved in the server-wide budget.
    var reservedBody = 0
    /// A request runs on a worker; nothing else is parsed or answered until its answer is queued.
    var inFlight = false
    /// The in-flight request was HEAD / its framing (for writing the answer when it comes back).
    var inFlightHeadOnly = false
    var inFlightFraming = HTTPRequestFraming(keepAlive: true, isHTTP10: false)
    /// Listed in the loop's `ready` list for a resume of its paused parser.
    var readyListed = false

    init(fd: Int32, parser: HTTPRequestParser, now: Int64, registered: UInt32) {
        self.fd = fd
        self.parser = parser
        self.lastActivity = now
        self.registered = registered
    }

    var pendingOutput: Int { outbound.count - outboundOffset }
    var hasPendingOutput: Bool { outboundOffset < outbound.count }
}

/// Carries a connection to a worker and back; only its own loop ever touches it.
struct ConnectionToken: @unchecked Sendable {
    let connection: Connection
}
