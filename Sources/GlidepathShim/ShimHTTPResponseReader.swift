import Foundation

/// Parses one HTTP/1.1 response read to the end of a `Connection: close` exchange: the status line,
/// the headers, and the body by `Transfer-Encoding: chunked`, `Content-Length` or the close.
/// Used by `CAFileTransport`; pure, so tests feed it bytes.
enum ShimHTTPResponseReader {
    /// A response larger than this (head and body) is refused; a weights document is a few hundred bytes.
    static let maxBytes = 1 << 20

    struct Failure: Error, Equatable, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func parse(_ bytes: [UInt8], requestMethod: String = "GET") throws(Failure) -> ShimResponse {
        guard bytes.count <= maxBytes else { throw Failure(message: "the response is larger than \(maxBytes) bytes") }
        guard let headEnd = find([13, 10, 13, 10], in: bytes, from: 0) else {
            throw Failure(message: "the response ended before its header did (\(bytes.count) bytes)")
        }
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]),
              (100...599).contains(status) else {
            throw Failure(message: "not an HTTP/1.x status line: \(statusLine.prefix(80))")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw Failure(message: "a header line without a colon") }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        var body = Array(bytes[(headEnd + 4)...])
        if requestMethod == "HEAD" || status == 204 || status == 304 || (100..<200).contains(status) {
            body = []
        } else if headers["transfer-encoding"]?.lowercased().hasSuffix("chunked") == true {
            body = try dechunk(body)
        } else if let text = headers["content-length"] {
            guard let length = Int(text), length >= 0 else { throw Failure(message: "a bad Content-Length: \(text)") }
            guard body.count >= length else {
                throw Failure(message: "the body ended after \(body.count) of \(length) bytes")
            }
            body = Array(body.prefix(length))
        }
        return ShimResponse(status: status, headers: headers, body: Data(body))
    }

    /// The chunked body's data; trailers are ignored.
    static func dechunk(_ bytes: [UInt8]) throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while true {
            guard let lineEnd = find([13, 10], in: bytes, from: i) else { throw Failure(message: "a chunk size line never ended") }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard sizeText.count <= 8, let size = Int(sizeText.trimmingSpaces, radix: 16), size >= 0 else {
                throw Failure(message: "a bad chunk size: \(sizeText.prefix(20))")
            }
            i = lineEnd + 2
            if size == 0 { return out }
            guard bytes.count - i >= size + 2 else { throw Failure(message: "the body ended inside a chunk") }
            out.append(contentsOf: bytes[i..<(i + size)])
            i += size + 2
        }
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var i = start
        while i <= bytes.count - needle.count {
            if bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension String {
    var trimmingSpaces: String { self[...].trimmingSpaces }
}
