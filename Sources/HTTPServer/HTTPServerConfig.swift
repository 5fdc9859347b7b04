/// Limits and addresses of the server.
package struct HTTPServerConfig: Sendable {
    /// A numeric address (`127.0.0.1`, `0.0.0.0`, `::1`, `::`) or a resolvable name.
    package var host: String = "127.0.0.1"
    /// 0 picks a free port (tests).
    package var port: UInt16 = 8470
    /// Request line plus headers larger than this answer 431.
    package var maxHeaderBytes: Int = 16 * 1024
    /// Bodies larger than this answer 413.
    package var maxBodyBytes: Int = 1 << 20
    /// Connections beyond this are closed at once (and counted in `HTTPServer.refusedConnections`). The
    /// server lowers it to stay `fileDescriptorReserve` below the process's file-descriptor limit.
    package var maxConnections: Int = 20_000
    /// Descriptors kept free of client connections: the listener, epoll sets, the store's files, worker
    /// and log descriptors must always be able to open. (The control loop reads its metrics in-process,
    /// so it needs no connection slot.)
    package var fileDescriptorReserve: Int = 256
    /// Once this many answer bytes wait unwritten on one connection (a client pipelining without reading),
    /// no further request of that connection is handled until they drain.
    package var maxQueuedOutputBytes: Int = 4 << 20
    /// All request bodies being received at once, server-wide (each reserves its declared length, or
    /// `maxBodyBytes` when chunked); a request beyond it answers 503 and the connection closes.
    package var maxBufferedBodyBytes: Int = 64 << 20
    /// Threads running the requests the head check sends off the event loops (blocking work).
    package var workerThreads: Int = 2
    /// Requests waiting for or running on a worker, server-wide; beyond this they answer 503.
    package var maxQueuedWork: Int = 256
    /// A keep-alive connection with no request for this long is closed (seconds).
    package var idleTimeout: Double = 75
    /// A request that has started but not finished arriving within this long answers 408 (seconds).
    package var requestTimeout: Double = 10
    /// Event-loop threads (each with its own epoll).
    package var eventLoops: Int = 2

    package init() {}
}
