/// Parses a whole HTTP/1.x response as received by `HTTPClient` (Content-Length, chunked, or until close).
enum HTTPResponseParser {
    struct Failure: Error, Equatable {
        var message: String
    }

    /// The response in `bytes`, or nil when more bytes are needed. `eof`: the server closed the connection.
    /// Interim 1xx responses are skipped. `headOnly`: the request was HEAD, so no body follows.
    static func parse(_ bytes: [UInt8], eof: Bool, headOnly: Bool) throws(Failure) -> HTTPClient.Response? {
        try parsePrefix(bytes, eof: eof, headOnly: headOnly)?.response
    }

    /// Like `parse`, also returning how many bytes the response used (for reading pipelined responses).
    static func parsePrefix(_ bytes: [UInt8], eof: Bool, headOnly: Bool)
        throws(Failure) -> (response: HTTPClient.Response, used: Int)? {
        try bytes.withUnsafeBufferPointer { (buf) throws(Failure) -> (response: HTTPClient.Response, used: Int)? in
            var start = 0
            while true {
                guard let headEnd = blankLine(buf, from: start) else {
                    if eof { throw Failure(message: "connection closed before the response head was complete") }
                    return nil
                }
                let (status, headers) = try parseHead(UnsafeBufferPointer(rebasing: buf[start..<(headEnd - 2)]))
                if status >= 100 && status < 200 {
                    start = headEnd
                    continue
                }
                let body = UnsafeBufferPointer(rebasing: buf[headEnd...])
                if headOnly || status == 204 || status == 304 {
                    return (HTTPClient.Response(status: status, headers: headers, body: []), headEnd)
                }
                if let te = headers["Transfer-Encoding"], te.lowercased().contains("chunked") {
                    guard let (decoded, used) = try dechunk(body) else {
                        if eof { throw Failure(message: "connection closed inside a chunked body") }
                        return nil
                    }
                    return (HTTPClient.Response(status: status, headers: headers, body: decoded), headEnd + used)
                }
                if let lengthText = headers["Content-Length"] {
                    guard let length = Int(lengthText), length >= 0 else {
                        throw Failure(message: "invalid Content-Length \"\(lengthText)\"")
                    }
                    guard body.count >= length else {
                        if eof { throw Failure(message: "connection closed after \(body.count) of \(length) body bytes") }
                        return nil
                    }
                    let response = HTTPClient.Response(status: status, headers: headers, body: Array(body[0..<length]))
                    return (response, headEnd + length)
                }
                return eof ? (HTTPClient.Response(status: status, headers: headers, body: Array(body)), buf.count) : nil
            }
        }
    }

    private static func blankLine(_ buf: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        while i + 3 < buf.count {
            if buf[i] == 13, buf[i + 1] == 10, buf[i + 2] == 13, buf[i + 3] == 10 { return i + 4 }
            i += 1
        }
        return nil
    }

    private static func parseHead(_ head: UnsafeBufferPointer<UInt8>) throws(Failure) -> (Int, HTTPHeaders) {
        let text = String(decoding: head, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard let statusLine = lines.first else { throw Failure(message: "empty response head") }
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3,
              let status = Int(parts[1]), status >= 100, status <= 999
        else { throw Failure(message: "malformed status line \"\(statusLine)\"") }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw Failure(message: "malformed header line \"\(line)\"")
            }
            let value = line[line.index(after: colon)...].trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            var trimmed = Substring(value)
            while let last = trimmed.last, last == " " || last == "\t" { trimmed.removeLast() }
            headers.add(String(line[..<colon]), String(trimmed))
        }
        return (status, headers)
    }

    /// Decodes a chunked body and the bytes it used, or returns nil when the final chunk has not arrived
    /// (the server's own `ChunkedBodyDecoder`, without a body limit).
    private static func dechunk(_ buf: UnsafeBufferPointer<UInt8>) throws(Failure) -> ([UInt8], Int)? {
        var decoder = ChunkedBodyDecoder(maxBodyBytes: .max, maxTrailerBytes: 16 * 1024)
        var pos = 0
        switch decoder.consume(buf, &pos) {
        case .needMore: return nil
        case .failed(let error): throw Failure(message: error.message)
        case .done: return (decoder.body, pos)
        }
    }
}
