import Glibc
@testable import HTTPServer

/// A blocking raw TCP client for live tests: sends exact bytes and reads exact responses.
final class TestSocket {
    let fd: Int32
    private var pending: [UInt8] = []

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Connects to 127.0.0.1:`port`; reads give up after `readTimeout` seconds. `receiveBuffer` caps the
    /// kernel's receive buffer (and so the TCP window), so a test can stop reading and make the server's
    /// answers back up in the server instead of in the kernel.
    init(port: UInt16, readTimeout: Double = 5, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        if var size = receiveBuffer {
            guard setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                close(fd)
                throw Failure(description: "SO_RCVBUF failed")
            }
        }
        var tv = timeval(tv_sec: Int(readTimeout), tv_usec: Int((readTimeout - Double(Int(readTimeout))) * 1_000_000))
        guard setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            close(fd)
            throw Failure(description: "SO_RCVTIMEO failed")
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "connect: \(message)")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// Reads more bytes: nil on EOF (or reset), throws on timeout.
    private func readMore() throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n > 0 { return Array(chunk[0..<n]) }
        if n == 0 || errno == ECONNRESET { return nil }
        throw Failure(description: "read: \(String(cString: strerror(errno)))")
    }

    /// Reads exactly `count` bytes (or what arrived before EOF).
    func readBytes(_ count: Int) throws -> [UInt8] {
        while pending.count < count, let more = try readMore() { pending += more }
        let result = Array(pending.prefix(count))
        pending.removeFirst(result.count)
        return result
    }

    /// Reads one response; throws if the connection closes first.
    func readResponse(head: Bool = false) throws -> HTTPClient.Response {
        while true {
            if let (response, used) = try HTTPResponseParser.parsePrefix(pending, eof: false, headOnly: head) {
                pending.removeFirst(used)
                return response
            }
            guard let more = try readMore() else {
                if let (response, used) = try HTTPResponseParser.parsePrefix(pending, eof: true, headOnly: head) {
                    pending.removeFirst(used)
                    return response
                }
                throw Failure(description: "closed before a response; got \(String(decoding: pending, as: UTF8.self))")
            }
            pending += more
        }
    }

    /// Reads whatever arrives within the read timeout without parsing it (nil on EOF).
    func readSome() throws -> [UInt8]? {
        if !pending.isEmpty {
            defer { pending = [] }
            return pending
        }
        return try readMore()
    }

    /// True when the peer closes the connection (EOF or reset) with no further bytes.
    func isClosedByPeer() throws -> Bool {
        guard pending.isEmpty else { return false }
        return try readMore() == nil
    }
}

/// Runs `body` against a started server on a free port and always shuts the server down.
func withServer(_ configure: (inout HTTPServerConfig) -> Void = { _ in },
                headCheck: @escaping @Sendable (HTTPRequestHead) -> HTTPHeadVerdict = { _ in .inline },
                handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse = echoHandler,
                _ body: (HTTPServer, UInt16) throws -> Void) throws {
    var config = HTTPServerConfig()
    config.port = 0
    configure(&config)
    let server = HTTPServer(config: config, headCheck: headCheck, handler: handler)
    let port = try server.start()
    defer { server.shutdown() }
    try body(server, port)
}

/// Answers `<METHOD> <path> limit=<limit> body=<byte count>` as JSON-ish text.
let echoHandler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
    let limit = request.query["limit"] ?? "-"
    return .text(200, "\(request.method) \(request.path) limit=\(limit) body=\(request.body.count)")
}

/// Polls `condition` for up to `seconds`.
func eventually(_ seconds: Double = 3, _ condition: () -> Bool) -> Bool {
    let deadline = MonotonicClock.nowMs() + Int64(seconds * 1000)
    while MonotonicClock.nowMs() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
