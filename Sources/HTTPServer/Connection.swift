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
    /// Whether the epoll registration currently asks for EPOLLOUT instead of EPOLLIN.
    var waitingToWrite = false

    init(fd: Int32, parser: HTTPRequestParser, now: Int64) {
        self.fd = fd
        self.parser = parser
        self.lastActivity = now
    }

    var hasPendingOutput: Bool { outboundOffset < outbound.count }
}
