/// Limits and addresses of the server.
public struct HTTPServerConfig: Sendable {
    /// A numeric address (`127.0.0.1`, `0.0.0.0`, `::1`, `::`) or a resolvable name.
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
