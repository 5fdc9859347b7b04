/// Limits and addresses of the server.
public struct HTTPServerConfig: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var port: UInt16 = 8470
    /// Request line plus headers larger than this answer 431.
    public var maxHeaderBytes: Int = 16 * 1024
    /// Bodies larger than this answer 413.
    public var maxBodyBytes: Int = 1 << 20
    /// Connections beyond this are closed at once.
    public var maxConnections: Int = 20_000
    /// A keep-alive connection with no request for this long is closed (seconds).
    public var idleTimeout: Double = 75
    /// A request that has started but not finished arriving within this long answers 408 (seconds).
    public var requestTimeout: Double = 10
    /// Event-loop threads (each with its own epoll).
    public var eventLoops: Int = 2

    public init() {}
}

/// An HTTP/1.1 server on non-blocking sockets and epoll. The handler runs on an event-loop thread and must
/// not block for long.
public final class HTTPServer: @unchecked Sendable {
    public init(config: HTTPServerConfig, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        fatalError("TODO")
    }

    /// Binds, listens and starts the event loops. Returns the bound port (useful with port 0).
    public func start() throws -> UInt16 { fatalError("TODO") }

    /// Stops accepting, finishes in-flight responses, closes every connection, joins the loops.
    public func shutdown() { fatalError("TODO") }
}

/// A small blocking HTTP/1.1 client over a raw socket (control loop scrapes, CLI, tests).
public enum HTTPClient {
    public struct Response: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: [UInt8]
    }

    /// Sends one request (`url` like `http://127.0.0.1:8470/metrics`) and reads the whole response.
    public static func send(method: String, url: String, headers: [(String, String)] = [], body: [UInt8] = [],
                            timeout: Double = 5) throws -> Response {
        fatalError("TODO")
    }
}
