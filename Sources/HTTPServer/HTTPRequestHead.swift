/// The request line and header fields of one request, with the framing facts the parser needs.
/// Handed to the server's head check before any of the body is read.
package struct HTTPRequestHead: Sendable, Equatable {
    /// The request without its body.
    package internal(set) var request: HTTPRequest
    package internal(set) var framing: HTTPRequestFraming
    /// The declared `Content-Length` (0 when absent or chunked).
    package internal(set) var contentLength: Int
    /// `Transfer-Encoding: chunked`: the body arrives in chunks (`contentLength` is then 0).
    package internal(set) var chunked: Bool
    package internal(set) var expectsContinue: Bool

    /// A head as the parser would hand it over (for tests of head checks); `request.body` is ignored.
    package init(request: HTTPRequest, contentLength: Int = 0, chunked: Bool = false,
                framing: HTTPRequestFraming = HTTPRequestFraming(keepAlive: true, isHTTP10: false)) {
        var bodiless = request
        bodiless.body = []
        self.request = bodiless
        self.framing = framing
        self.contentLength = chunked ? 0 : max(0, contentLength)
        self.chunked = chunked
        self.expectsContinue = false
    }

    init(request: HTTPRequest, framing: HTTPRequestFraming, contentLength: Int, chunked: Bool, expectsContinue: Bool) {
        self.request = request
        self.framing = framing
        self.contentLength = contentLength
        self.chunked = chunked
        self.expectsContinue = expectsContinue
    }

    /// True when a body follows the head.
    package var hasBody: Bool { chunked || contentLength > 0 }

    /// Parses a head: the request line and header lines, each ending in CRLF, without the blank line.
    /// `requireHost`: an HTTP/1.1 head without `Host` is refused (RFC 9112 §3.2).
    static func parse(_ buf: UnsafeBufferPointer<UInt8>,
                      requireHost: Bool = true) -> Result<HTTPRequestHead, HTTPParseError> {
        guard let lineEnd = ByteScan.crlf(buf, from: 0) else { return .failure(.malformedRequestLine) }
        let line: RequestLine
        switch RequestLine.parse(UnsafeBufferPointer(rebasing: buf[0..<lineEnd])) {
        case .success(let parsed): line = parsed
        case .failure(let error): return .failure(error)
        }
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(8)
        var contentLength: Int?
        var hasClose = false
        var hasKeepAlive = false
        var expectValue: String?
        var codings: [String] = []
        var hosts = 0
        var authorizations = 0
        var pos = lineEnd + 2
        while pos < buf.count {
            guard let end = ByteScan.crlf(buf, from: pos) else { return .failure(.malformedHeader) }
            // Obsolete line folding (a line starting with whitespace) is refused, as RFC 9112 §5.2 allows.
            guard let colon = ByteScan.index(of: 58, buf, from: pos, to: end), colon > pos else {
                return .failure(.malformedHeader)
            }
            for i in pos..<colon where !ByteScan.isTokenChar(buf[i]) { return .failure(.malformedHeader) }
            var vStart = colon + 1
            var vEnd = end
            while vStart < vEnd, buf[vStart] == 32 || buf[vStart] == 9 { vStart += 1 }
            while vEnd > vStart, buf[vEnd - 1] == 32 || buf[vEnd - 1] == 9 { vEnd -= 1 }
            for i in vStart..<vEnd {
                let b = buf[i]
                if b < 32 && b != 9 || b == 127 { return .failure(.invalidHeaderValue) }
            }
            let name = UnsafeBufferPointer(rebasing: buf[pos..<colon])
            let value = UnsafeBufferPointer(rebasing: buf[vStart..<vEnd])
            if ByteScan.equalsIgnoringCase(name, "content-length") {
                guard let n = ByteScan.decimal(value) else { return .failure(.invalidContentLength) }
                if let previous = contentLength, previous != n { return .failure(.conflictingContentLength) }
                contentLength = n
            } else if ByteScan.equalsIgnoringCase(name, "transfer-encoding") {
                ByteScan.forEachToken(value) { codings.append(String(decoding: $0, as: UTF8.self).lowercased()) }
            } else if ByteScan.equalsIgnoringCase(name, "connection") {
                ByteScan.forEachToken(value) { token in
                    if ByteScan.equalsIgnoringCase(token, "close") { hasClose = true }
                    if ByteScan.equalsIgnoringCase(token, "keep-alive") { hasKeepAlive = true }
                }
            } else if ByteScan.equalsIgnoringCase(name, "expect") {
                expectValue = String(decoding: value, as: UTF8.self)
            } else if ByteScan.equalsIgnoringCase(name, "host") {
                hosts += 1
            } else if ByteScan.equalsIgnoringCase(name, "authorization") {
                authorizations += 1
            }
            fields.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            pos = end + 2
        }
        // RFC 9112 §3.2: exactly one Host on HTTP/1.1, never two on any version.
        if hosts > 1 { return .failure(.duplicateHost) }
        if hosts == 0, requireHost, !line.isHTTP10 { return .failure(.missingHost) }
        // Two credentials are ambiguous: which one would be checked depends on the reader.
        if authorizations > 1 { return .failure(.duplicateAuthorization) }
        // Transfer-Encoding (RFC 9112 §6): only `chunked`, which must come last; never with Content-Length
        // (the request-smuggling ambiguity) and never from HTTP/1.0.
        if !codings.isEmpty {
            if line.isHTTP10 { return .failure(.transferEncodingHTTP10) }
            if contentLength != nil { return .failure(.bothLengths) }
            guard codings.last == "chunked" else { return .failure(.chunkedNotFinal) }
            if codings.count > 1 {
                return .failure(.unsupportedTransferCoding(codings.dropLast().joined(separator: ", ")))
            }
        }
        var expectsContinue = false
        // HTTP/1.0 clients cannot expect 100 Continue (RFC 9110 §10.1.1), so the field is ignored there.
        if let expect = expectValue, !line.isHTTP10 {
            guard expect.lowercased() == "100-continue" else { return .failure(.unsupportedExpect(expect)) }
            expectsContinue = true
        }
        let keepAlive = line.isHTTP10 ? (hasKeepAlive && !hasClose) : !hasClose
        let request = HTTPRequest(method: line.method, target: line.target, path: line.path, query: line.query,
                                  headers: HTTPHeaders(fields))
        return .success(HTTPRequestHead(
            request: request, framing: HTTPRequestFraming(keepAlive: keepAlive, isHTTP10: line.isHTTP10),
            contentLength: contentLength ?? 0, chunked: !codings.isEmpty, expectsContinue: expectsContinue))
    }

    /// An error visible before the head is complete (garbage, a TLS handshake), so it is refused at once.
    static func earlyError(_ buf: UnsafeBufferPointer<UInt8>, start: Int) -> HTTPParseError? {
        guard ByteScan.isTokenChar(buf[start]) else { return .malformedRequestLine }
        guard let end = ByteScan.crlf(buf, from: start) else { return nil }
        if case .failure(let error) = RequestLine.parse(UnsafeBufferPointer(rebasing: buf[start..<end])) {
            return error
        }
        return nil
    }
}

/// `method SP request-target SP HTTP-version`, with the target split into path and query.
struct RequestLine {
    var method: String
    var target: String
    var path: String
    var query: [String: String]
    var isHTTP10: Bool

    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> Result<RequestLine, HTTPParseError> {
        guard let sp1 = ByteScan.index(of: 32, line, from: 0, to: line.count), sp1 > 0,
              let sp2 = ByteScan.index(of: 32, line, from: sp1 + 1, to: line.count), sp2 > sp1 + 1
        else { return .failure(.malformedRequestLine) }
        for i in 0..<sp1 where !ByteScan.isTokenChar(line[i]) { return .failure(.malformedRequestLine) }
        for i in (sp1 + 1)..<sp2 where line[i] <= 32 || line[i] >= 127 { return .failure(.malformedRequestLine) }
        let version = UnsafeBufferPointer(rebasing: line[(sp2 + 1)...])
        let isHTTP10: Bool
        if ByteScan.equals(version, "HTTP/1.1") {
            isHTTP10 = false
        } else if ByteScan.equals(version, "HTTP/1.0") {
            isHTTP10 = true
        } else if version.count == 8, ByteScan.equals(UnsafeBufferPointer(rebasing: version[0..<5]), "HTTP/"),
                  ByteScan.isDigit(version[5]), version[6] == 46, ByteScan.isDigit(version[7]) {
            return .failure(.unsupportedVersion(String(decoding: version, as: UTF8.self)))
        } else {
            return .failure(.malformedRequestLine)
        }
        let targetBytes = UnsafeBufferPointer(rebasing: line[(sp1 + 1)..<sp2])
        switch HTTPRequestTarget.split(targetBytes) {
        case .failure(let error):
            return .failure(error)
        case .success(let (path, query)):
            return .success(RequestLine(
                method: String(decoding: UnsafeBufferPointer(rebasing: line[0..<sp1]), as: UTF8.self),
                target: String(decoding: targetBytes, as: UTF8.self), path: path, query: query, isHTTP10: isHTTP10))
        }
    }
}
