/// A parsed HTTP/1.1 request with its whole body.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target as sent (`/v1/migrations?x=1`).
    public var target: String
    /// The path without the query, percent-decoded.
    public var path: String
    /// Query parameters (last one wins).
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, target: String, path: String, query: [String: String] = [:],
                headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}
