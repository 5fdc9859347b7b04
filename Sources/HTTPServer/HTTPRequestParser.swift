/// An incremental HTTP/1.0 and 1.1 request parser: feed it bytes as they arrive, get complete requests.
///
/// Requests may be pipelined in one chunk or split across chunks at any byte. Only the bytes of an
/// unfinished request are kept, so an idle parser holds no allocation. After an error, or after a
/// request that does not keep the connection alive, every later byte is ignored.
///
/// The caller can steer the parser from its event callback (`feed(_:steering:)`): `.pause` after a
/// request keeps the bytes not yet parsed until `resume(steering:)` (the server pauses while a
/// connection's answers are not written or its request is handled off the loop), and `.stop` after a
/// head refuses the request before its body is buffered.
package struct HTTPRequestParser: Sendable {
    package let maxHeaderBytes: Int
    package let maxBodyBytes: Int
    /// HTTP/1.1 requests without `Host` are refused with 400 (RFC 9112 §3.2).
    package let requireHost: Bool
    /// Emit `.head` for every request as soon as its head is parsed, before its body is read.
    package let reportsHeads: Bool

    /// Bytes of the unfinished request (the head, or the head's body so far).
    private var buffer: [UInt8] = []
    /// How many bytes of the unfinished head were already searched for the blank line.
    private var headScanned = 0
    /// The parsed head whose body is still arriving.
    private var pendingBody: PendingBody?
    private var stopped = false
    private var paused = false

    struct PendingBody: Sendable {
        var request: HTTPRequest
        var framing: HTTPRequestFraming
        /// Content-Length framing: the body's length.
        var length: Int
        /// Chunked framing: the decoder holding the body so far.
        var chunked: ChunkedBodyDecoder?
    }

    package init(maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 1 << 20, requireHost: Bool = true,
                reportsHeads: Bool = false) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.requireHost = requireHost
        self.reportsHeads = reportsHeads
    }

    /// True while a request has begun arriving but is not complete (the request timer runs).
    package var hasPartialRequest: Bool { !stopped && (pendingBody != nil || !buffer.isEmpty) }

    /// True once an error or a closing request was seen; later bytes are ignored.
    package var isStopped: Bool { stopped }

    /// True after a callback answered `.pause`: bytes are kept, not parsed, until `resume(steering:)`.
    package var isPaused: Bool { paused && !stopped }

    /// Bytes held for a later parse: an unfinished head or body, or the requests kept while paused.
    package var bufferedBytes: Int { buffer.count }

    /// Parses `chunk`, calling `onEvent` for each request, continue prompt or error, in order.
    package mutating func feed(_ chunk: UnsafeRawBufferPointer, _ onEvent: (HTTPParserEvent) -> Void) {
        feed(chunk, steering: { onEvent($0); return .proceed })
    }

    /// Parses `chunk` like `feed(_:_:)`; the callback's answer says whether to go on (see
    /// `HTTPParserAction`). While paused, `chunk` is only appended to the kept bytes.
    package mutating func feed(_ chunk: UnsafeRawBufferPointer, steering onEvent: (HTTPParserEvent) -> HTTPParserAction) {
        guard !stopped, !chunk.isEmpty else { return }
        if paused {
            buffer.append(contentsOf: chunk)
            return
        }
        if buffer.isEmpty {
            // Fast path: parse straight from the caller's buffer, keep only the leftover.
            let consumed = chunk.withMemoryRebound(to: UInt8.self) { process($0, onEvent) }
            if !stopped, consumed < chunk.count {
                buffer = Array(chunk[consumed...])
            }
            return
        }
        var data = buffer
        buffer = []
        data.append(contentsOf: chunk)
        let consumed = data.withUnsafeBufferPointer { process($0, onEvent) }
        if stopped || consumed == data.count { return }
        if consumed > 0 { data.removeFirst(consumed) }
        buffer = data
    }

    /// Ends a pause: parses the kept bytes (no new bytes are needed), possibly pausing again.
    package mutating func resume(steering onEvent: (HTTPParserEvent) -> HTTPParserAction) {
        guard paused, !stopped else { return }
        paused = false
        guard !buffer.isEmpty else { return }
        var data = buffer
        buffer = []
        let consumed = data.withUnsafeBufferPointer { process($0, onEvent) }
        if stopped || consumed == data.count { return }
        if consumed > 0 { data.removeFirst(consumed) }
        buffer = data
    }

    /// Convenience for tests and callers holding an array: returns the events instead of calling back.
    package mutating func feed(_ bytes: [UInt8]) -> [HTTPParserEvent] {
        var events: [HTTPParserEvent] = []
        bytes.withUnsafeBytes { feed($0) { events.append($0) } }
        return events
    }

    /// Gives up on the connection: later bytes are ignored (used after a timeout).
    package mutating func stop() {
        stopped = true
        paused = false
        buffer = []
        pendingBody = nil
    }

    /// Consumes whole requests from `buf`; returns how many bytes were used.
    private mutating func process(_ buf: UnsafeBufferPointer<UInt8>,
                                  _ onEvent: (HTTPParserEvent) -> HTTPParserAction) -> Int {
        var pos = 0
        while !stopped && !paused {
            if var pending = pendingBody, var decoder = pending.chunked {
                // Own the decoder while it appends, so its body is not copied.
                pending.chunked = nil
                pendingBody = nil
                switch decoder.consume(buf, &pos) {
                case .needMore:
                    pending.chunked = decoder
                    pendingBody = pending
                    return pos
                case .failed(let error):
                    return fail(error, buf, onEvent)
                case .done:
                    pending.request.body = decoder.body
                    emit(pending.request, pending.framing, onEvent)
                    continue
                }
            }
            if let pending = pendingBody {
                guard buf.count - pos >= pending.length else { return pos }
                var request = pending.request
                request.body = Array(buf[pos..<(pos + pending.length)])
                pos += pending.length
                pendingBody = nil
                emit(request, pending.framing, onEvent)
                continue
            }
            // Clients may send stray CRLFs between requests (after a POST body); RFC 9112 §2.2.
            if headScanned == 0 {
                while pos < buf.count, buf[pos] == 13 || buf[pos] == 10 { pos += 1 }
            }
            let start = pos
            guard start < buf.count else { return pos }
            guard let headEnd = findBlankLine(buf, start: start) else {
                if buf.count - start > maxHeaderBytes {
                    return fail(.headerTooLarge(limit: maxHeaderBytes), buf, onEvent)
                }
                // Checked only on a head's first chunk so that byte-by-byte arrival stays linear.
                if headScanned == 0, let error = HTTPRequestHead.earlyError(buf, start: start) {
                    return fail(error, buf, onEvent)
                }
                headScanned = buf.count - start
                return start
            }
            headScanned = 0
            if headEnd - start > maxHeaderBytes {
                return fail(.headerTooLarge(limit: maxHeaderBytes), buf, onEvent)
            }
            let head: HTTPRequestHead
            switch HTTPRequestHead.parse(UnsafeBufferPointer(rebasing: buf[start..<(headEnd - 2)]),
                                         requireHost: requireHost) {
            case .success(let parsed): head = parsed
            case .failure(let error): return fail(error, buf, onEvent)
            }
            pos = headEnd
            if head.contentLength > maxBodyBytes {
                return fail(.bodyTooLarge(limit: maxBodyBytes), buf, onEvent)
            }
            if reportsHeads, onEvent(.head(head)) == .stop {
                stop()
                return buf.count
            }
            if head.chunked {
                if head.expectsContinue, pos == buf.count { _ = onEvent(.sendContinue) }
                let decoder = ChunkedBodyDecoder(maxBodyBytes: maxBodyBytes, maxTrailerBytes: maxHeaderBytes)
                pendingBody = PendingBody(request: head.request, framing: head.framing, length: 0, chunked: decoder)
                continue
            }
            if head.contentLength == 0 {
                emit(head.request, head.framing, onEvent)
                continue
            }
            if head.expectsContinue, buf.count - pos < head.contentLength {
                _ = onEvent(.sendContinue)
            }
            pendingBody = PendingBody(request: head.request, framing: head.framing, length: head.contentLength)
        }
        return stopped ? buf.count : pos
    }

    /// Delivers a complete request and applies the callback's answer.
    private mutating func emit(_ request: HTTPRequest, _ framing: HTTPRequestFraming,
                               _ onEvent: (HTTPParserEvent) -> HTTPParserAction) {
        if !framing.keepAlive { stop() }
        switch onEvent(.request(request, framing)) {
        case .proceed: break
        case .pause: if !stopped { paused = true }
        case .stop: stop()
        }
    }

    private mutating func fail(_ error: HTTPParseError, _ buf: UnsafeBufferPointer<UInt8>,
                               _ onEvent: (HTTPParserEvent) -> HTTPParserAction) -> Int {
        stop()
        _ = onEvent(.error(error))
        return buf.count
    }

    /// The index just past the first CRLFCRLF at or after `start`, resuming where the last search stopped.
    private func findBlankLine(_ buf: UnsafeBufferPointer<UInt8>, start: Int) -> Int? {
        var i = start + max(0, headScanned - 3)
        let end = buf.count - 3
        while i < end {
            if buf[i + 3] == 10, buf[i + 2] == 13, buf[i + 1] == 10, buf[i] == 13 { return i + 4 }
            i += 1
        }
        return nil
    }
}
