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
            if c.hasPendingOutput || c.inFlight || c.parser.isPaused { c.closeAfterFlush = true } else { closeConnection(c) }
            return
        }
        if c.lingerDeadline > 0 {  // draining after an error answer: discard
            c.lastActivity = now
            return
        }
        let bytes = UnsafeRawBufferPointer(rebasing: scratch[0..<n])
        // Stray line breaks between requests are skipped by the parser and are not activity: a client
        // sending "\r\n" every second must not hold its connection past the idle timeout.
        if !c.parser.hasPartialRequest && Self.onlyLineBreaks(bytes) { return }
        c.lastActivity = now
        process(c, bytes)
    }

    static func onlyLineBreaks(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for b in bytes where b != 13 && b != 10 { return false }
        return true
    }

    /// Handles the requests in `bytes` (nil: the ones kept by a paused parser), in order, and writes all
    /// answers at once. Stops early (pausing the parser, which keeps the rest) when the connection's
    /// unwritten answers pass `maxQueuedOutputBytes` or a request goes to a worker.
    func process(_ c: Connection, _ bytes: UnsafeRawBufferPointer?) {
        out.removeAll(keepingCapacity: true)
        var closeAfter = false
        var linger = false
        var completed = false
        let handler = core.handler
        let stopping = core.isStopping
        let cap = core.config.maxQueuedOutputBytes
        let queuedBefore = c.pendingOutput
        let steer: (HTTPParserEvent) -> HTTPParserAction = { event in
            switch event {
            case .head(let head):
                return self.checkHead(head, c, &closeAfter, &linger)
            case .sendContinue:
                self.out.append(contentsOf: HTTPResponse.continueBytes)
                return .proceed
            case .request(let request, let framing):
                completed = true
                self.core.releaseBody(c.reservedBody)
                c.reservedBody = 0
                let headOnly = request.method == "HEAD"
                let response: HTTPResponse
                switch c.verdict {
                case .respond(let answer):
                    response = answer
                case .offload:
                    c.verdict = .inline
                    if self.offload(request, framing, headOnly, c) { return .pause }
                    response = HTTPResponse.error(.busy)
                case .inline:
                    response = handler(request)
                }
                c.verdict = .inline
                let close = !framing.keepAlive || stopping || response.asksToClose
                response.serialize(into: &self.out, headOnly: headOnly, close: close,
                                   keepAliveHeader: framing.isHTTP10, dateLine: self.date.line)
                if close {
                    closeAfter = true
                    return .stop
                }
                // A client pipelining without reading: answer no more until what it owes drains.
                return queuedBefore + self.out.count >= cap ? .pause : .proceed
            case .error(let error):
                HTTPResponse.error(error).serialize(into: &self.out, close: true, dateLine: self.date.line)
                closeAfter = true
                linger = true
                return .stop
            }
        }
        if let bytes {
            c.parser.feed(bytes, steering: steer)
        } else {
            c.parser.resume(steering: steer)
        }
        if closeAfter {
            c.parser.stop()
            c.closeAfterFlush = true
            c.lingerAfterFlush = linger
        }
        if c.parser.hasPartialRequest && !c.parser.isPaused {
            if completed || c.requestStart == 0 { c.requestStart = now }
        } else {
            c.requestStart = 0
        }
        core.counters.notePeak(queuedBefore + out.count)
        send(out, to: c)
        if out.capacity > 1 << 20 { out = [] }
    }

    /// The head check, the server-wide body budget and the verdict for the request whose head arrived.
    private func checkHead(_ head: HTTPRequestHead, _ c: Connection, _ closeAfter: inout Bool,
                           _ linger: inout Bool) -> HTTPParserAction {
        let verdict = core.headCheck(head)
        if head.hasBody, case .respond(let answer) = verdict {
            // Refused before the body: answer now, never buffer it, close (draining what was sent).
            refuse(answer, head, &closeAfter, &linger)
            return .stop
        }
        if head.hasBody {
            let size = head.chunked ? core.config.maxBodyBytes : head.contentLength
            guard core.reserveBody(size) else {
                refuse(HTTPResponse.error(.bodiesOverBudget), head, &closeAfter, &linger)
                return .stop
            }
            c.reservedBody = size
        }
        c.verdict = verdict
        return .proceed
    }

    private func refuse(_ answer: HTTPResponse, _ head: HTTPRequestHead, _ closeAfter: inout Bool,
                        _ linger: inout Bool) {
        answer.serialize(into: &out, headOnly: head.request.method == "HEAD", close: true,
                         keepAliveHeader: false, dateLine: date.line)
        closeAfter = true
        linger = true
    }

    /// Sends the request to a worker; false when the workers' queue is full.
    private func offload(_ request: HTTPRequest, _ framing: HTTPRequestFraming, _ headOnly: Bool,
                         _ c: Connection) -> Bool {
        let token = ConnectionToken(connection: c)
        let handler = core.handler
        let accepted = core.workers.submit { [self] in
            complete(token, handler(request))
        }
        guard accepted else { return false }
        c.inFlight = true
        c.inFlightHeadOnly = headOnly
        c.inFlightFraming = framing
        return true
    }

    /// Writes the answer of an offloaded request and resumes the requests kept behind it.
    func finishOffloaded(_ completion: Completion) {
        let c = completion.token.connection
        guard Int(c.fd) < connections.count, connections[Int(c.fd)] === c, c.inFlight else { return }
        c.inFlight = false
        let framing = c.inFlightFraming
        let close = !framing.keepAlive || core.isStopping || completion.response.asksToClose || c.closeAfterFlush
        out.removeAll(keepingCapacity: true)
        let response = completion.response
        // A large body (a /metrics of many migrations) goes out from its own buffer: copied into the
        // loop's scratch buffer it would cost its size again, and the scratch buffer would keep it.
        let separate = !c.inFlightHeadOnly && response.body.count >= Self.separateBodyBytes
            && !HTTPStatus.forbidsBody(response.status)
        response.serialize(into: &out, headOnly: c.inFlightHeadOnly || separate, close: close,
                           keepAliveHeader: framing.isHTTP10, dateLine: date.line)
        if close {
            c.parser.stop()
            c.closeAfterFlush = true
        }
        send(out, body: separate ? response.body : [], to: c)
        if out.capacity > 1 << 20 { out = [] }
    }

    /// From this size a worker's answer body is written from its own buffer (`send(_:body:to:)`).
    static let separateBodyBytes = 64 * 1024

    /// Resumes the paused parsers whose connections drained, once each per loop iteration.
    func resumeReady() {
        guard !ready.isEmpty else { return }
        let list = ready
        ready = []
        for c in list {
            c.readyListed = false
            guard Int(c.fd) < connections.count, connections[Int(c.fd)] === c else { continue }
            if c.parser.isPaused && !c.inFlight && !c.hasPendingOutput { process(c, nil) }
        }
    }

    /// Writes `bytes`, then `body`, after anything already pending; keeps the rest for EPOLLOUT. What the
    /// socket did not take of `body` is kept as `body` itself (its storage shared, not copied) unless the
    /// socket was already full before it.
    private func send(_ bytes: [UInt8], body: [UInt8] = [], to c: Connection) {
        let total = bytes.count + body.count
        if c.hasPendingOutput {
            c.outbound.append(contentsOf: bytes)
            c.outbound.append(contentsOf: body)
            core.counters.queuedOutput.add(total, ordering: .relaxed)
            updateInterest(c)
            return
        }
        var written = bytes.isEmpty ? 0 : bytes.withUnsafeBytes { writeSome(c.fd, $0) }
        guard written >= 0 else {
            closeConnection(c)
            return
        }
        var bodyWritten = 0
        if written == bytes.count, !body.isEmpty {
            bodyWritten = body.withUnsafeBytes { writeSome(c.fd, $0) }
            guard bodyWritten >= 0 else {
                closeConnection(c)
                return
            }
            written += bodyWritten
        }
        if written > 0 { c.lastActivity = now }
        if written == total {
            if c.closeAfterFlush && !c.inFlight {
                finish(c)
                return
            }
            updateInterest(c)
            return
        }
        if written >= bytes.count {
            c.outbound = body
            c.outboundOffset = bodyWritten
        } else {
            c.outbound = Array(bytes[written...]) + body
            c.outboundOffset = 0
        }
        core.counters.queuedOutput.add(total - written, ordering: .relaxed)
        updateInterest(c)
    }

    func onWritable(_ c: Connection) {
        let written = c.outbound.withUnsafeBytes {
            writeSome(c.fd, UnsafeRawBufferPointer(rebasing: $0[c.outboundOffset...]))
        }
        guard written >= 0 else {
            closeConnection(c)
            return
        }
        if written > 0 {
            c.lastActivity = now
            core.counters.queuedOutput.subtract(written, ordering: .relaxed)
        }
        c.outboundOffset += written
        guard !c.hasPendingOutput else { return }
        c.outbound = []
        c.outboundOffset = 0
        if c.closeAfterFlush && !c.inFlight && !c.parser.isPaused {
            finish(c)
        } else {
            updateInterest(c)
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

    /// Registers what the connection waits for: EPOLLOUT while output is pending, EPOLLIN only when
    /// nothing is pending, no request is on a worker and the parser is not paused (so a client that
    /// pipelines without reading cannot make the server buffer its requests or answers without bound).
    /// A paused parser whose output drained is listed for a resume.
    func updateInterest(_ c: Connection) {
        let paused = c.parser.isPaused
        if paused && !c.inFlight && !c.hasPendingOutput && !c.readyListed {
            c.readyListed = true
            ready.append(c)
        }
        let reading = !c.hasPendingOutput && !c.inFlight && !paused
        let wanted = (c.hasPendingOutput ? CEPOLL_OUT : 0) | (reading ? CEPOLL_IN : 0)
        guard c.registered != wanted else { return }
        var event = epoll_event()
        event.events = wanted
        event.data.fd = c.fd
        guard epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &event) == 0 else {
            closeConnection(c)
            return
        }
        c.registered = wanted
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
        updateInterest(c)
    }

    func closeConnection(_ c: Connection) {
        guard Int(c.fd) < connections.count, connections[Int(c.fd)] === c else { return }
        connections[Int(c.fd)] = nil
        liveCount -= 1
        core.counters.connections.subtract(1, ordering: .relaxed)
        if c.hasPendingOutput { core.counters.queuedOutput.subtract(c.pendingOutput, ordering: .relaxed) }
        core.releaseBody(c.reservedBody)
        c.reservedBody = 0
        close(c.fd)
    }

    /// Applies the idle, request (408), stalled-writer and linger timeouts. A request on a worker and
    /// requests kept by a paused parser are not timed: the server is the one they wait for.
    func sweep() {
        for case let c? in connections {
            if c.lingerDeadline > 0 {
                if now >= c.lingerDeadline { closeConnection(c) }
            } else if c.hasPendingOutput {
                if now - c.lastActivity >= idleMs { closeConnection(c) }
            } else if c.inFlight || c.parser.isPaused {
                continue
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
        core.releaseBody(c.reservedBody)
        c.reservedBody = 0
        send(HTTPResponse.error(.timeout).serialized(close: true, dateLine: date.line), to: c)
    }
}
