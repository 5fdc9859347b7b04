import CEpoll
import Glibc

extension EventLoop {
    func onReadable(_ c: Connection) {
        let n = read(c.fd, scratch.baseAddress, scratch.count)
        if n < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return }
            closeConnection(c)
            return
        }
        if n == 0 {
            // The client finished sending; it may still read what we owe it.
            if c.hasPendingOutput { c.closeAfterFlush = true } else { closeConnection(c) }
            return
        }
        c.lastActivity = now
        if c.lingerDeadline > 0 { return }  // draining after an error answer: discard
        process(c, UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
    }

    /// Runs the handler for every complete request in `bytes`, in order, and writes all answers at once.
    private func process(_ c: Connection, _ bytes: UnsafeRawBufferPointer) {
        out.removeAll(keepingCapacity: true)
        var closeAfter = false
        var linger = false
        var completed = false
        let handler = core.handler
        let stopping = core.isStopping
        c.parser.feed(bytes) { event in
            if closeAfter { return }
            switch event {
            case .sendContinue:
                out.append(contentsOf: HTTPResponse.continueBytes)
            case .request(let request, let framing):
                completed = true
                let response = handler(request)
                let close = !framing.keepAlive || stopping || response.asksToClose
                response.serialize(into: &out, headOnly: request.method == "HEAD", close: close,
                                   keepAliveHeader: framing.isHTTP10)
                closeAfter = close
            case .error(let error):
                HTTPResponse.error(error).serialize(into: &out, close: true)
                closeAfter = true
                linger = true
            }
        }
        if closeAfter {
            c.parser.stop()
            c.closeAfterFlush = true
            c.lingerAfterFlush = linger
        }
        if c.parser.hasPartialRequest {
            if completed || c.requestStart == 0 { c.requestStart = now }
        } else {
            c.requestStart = 0
        }
        send(out, to: c)
        if out.capacity > 1 << 20 { out = [] }
    }

    /// Writes `bytes` after anything already pending; keeps the rest for EPOLLOUT.
    private func send(_ bytes: [UInt8], to c: Connection) {
        if c.hasPendingOutput {
            c.outbound.append(contentsOf: bytes)
            return
        }
        let written = bytes.withUnsafeBytes { writeSome(c.fd, $0) }
        guard written >= 0 else {
            closeConnection(c)
            return
        }
        if written > 0 { c.lastActivity = now }
        if written == bytes.count {
            if c.closeAfterFlush { finish(c) }
            return
        }
        c.outbound = Array(bytes[written...])
        c.outboundOffset = 0
        setWaitingToWrite(c, true)
    }

    func onWritable(_ c: Connection) {
        let written = c.outbound.withUnsafeBytes {
            writeSome(c.fd, UnsafeRawBufferPointer(rebasing: $0[c.outboundOffset...]))
        }
        guard written >= 0 else {
            closeConnection(c)
            return
        }
        if written > 0 { c.lastActivity = now }
        c.outboundOffset += written
        guard !c.hasPendingOutput else { return }
        c.outbound = []
        c.outboundOffset = 0
        if c.closeAfterFlush {
            finish(c)
        } else {
            setWaitingToWrite(c, false)
        }
    }

    /// Writes until done or EAGAIN; returns the bytes written, or -1 when the connection is dead.
    private func writeSome(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                break
            } else {
                return -1
            }
        }
        return offset
    }

    /// While output is pending the loop stops reading, so a client that pipelines without reading
    /// cannot make the server buffer without bound.
    private func setWaitingToWrite(_ c: Connection, _ waiting: Bool) {
        guard c.waitingToWrite != waiting else { return }
        var event = epoll_event()
        event.events = waiting ? CEPOLL_OUT : CEPOLL_IN
        event.data.fd = c.fd
        guard epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &event) == 0 else {
            closeConnection(c)
            return
        }
        c.waitingToWrite = waiting
    }

    /// Everything owed is written and the connection must end.
    private func finish(_ c: Connection) {
        guard c.lingerAfterFlush, !core.isStopping else {
            closeConnection(c)
            return
        }
        // Closing with unread input would reset the connection and could destroy our answer in flight;
        // half-close and drain until the client closes or the linger time ends.
        guard shutdown(c.fd, Int32(SHUT_WR)) == 0 else {
            closeConnection(c)
            return
        }
        c.lingerDeadline = now + Self.lingerMs
        setWaitingToWrite(c, false)
    }

    func closeConnection(_ c: Connection) {
        guard Int(c.fd) < connections.count, connections[Int(c.fd)] === c else { return }
        connections[Int(c.fd)] = nil
        liveCount -= 1
        core.counters.connections.subtract(1, ordering: .relaxed)
        close(c.fd)
    }

    /// Applies the idle, request (408), stalled-writer and linger timeouts.
    func sweep() {
        for case let c? in connections {
            if c.lingerDeadline > 0 {
                if now >= c.lingerDeadline { closeConnection(c) }
            } else if c.hasPendingOutput {
                if now - c.lastActivity >= idleMs { closeConnection(c) }
            } else if c.parser.hasPartialRequest {
                if now - c.requestStart >= requestMs { timeOut(c) }
            } else if now - c.lastActivity >= idleMs {
                closeConnection(c)
            }
        }
    }

    /// Answers 408 to a request that did not arrive in time (slowloris) and closes.
    private func timeOut(_ c: Connection) {
        c.parser.stop()
        c.closeAfterFlush = true
        c.lingerAfterFlush = true
        c.requestStart = 0
        send(HTTPResponse.error(.timeout).serialized(close: true), to: c)
    }
}
