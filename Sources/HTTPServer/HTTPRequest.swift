/// A parsed HTTP/1.1 request with its whole body.
package struct HTTPRequest: Sendable {
    package var method: String
    /// The request target as sent (`/v1/migrations?x=1`).
    package var target: String
    /// The path without the query, percent-decoded segment by segment: `%2F` and `%25` stay encoded, so
    /// splitting at `/` gives the segments the client meant (see `decodedSegment(_:)`).
    package var path: String
    /// Query parameters (last one wins).
    package var query: [String: String]
    package var headers: HTTPHeaders
    package var body: [UInt8]

    /// A segment of `path` fully decoded: the `%2F` and `%25` the parser kept become `/` and `%`.
    package static func decodedSegment(_ segment: Substring) -> String {
        let bytes = Array(segment.utf8)
        guard bytes.contains(37) else { return String(segment) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 37, i + 2 < bytes.count, bytes[i + 1] == 50, bytes[i + 2] == 70 || bytes[i + 2] == 53 {
                out.append(bytes[i + 2] == 70 ? 47 : 37)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    package init(method: String, target: String, path: String, query: [String: String] = [:],
                headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}
