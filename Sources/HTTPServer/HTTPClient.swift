import CEpoll
import Glibc

/// A small blocking HTTP/1.1 client over a raw socket (control loop scrapes, CLI, tests).
///
/// One request per connection (`Connection: close`); no TLS, no redirects, no proxies.
package enum HTTPClient {
    package struct Response: Sendable, Equatable {
        package var status: Int
        package var headers: HTTPHeaders
        package var body: [UInt8]

        package init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// The body decoded as UTF-8.
        package var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends one request (`url` like `http://127.0.0.1:8470/metrics`) and reads the whole response.
    /// `timeout` (seconds) bounds the whole exchange, connect included; a response longer than
    /// `maxResponseBytes` (head included) is an `.io` error. Throws `HTTPClientError`.
    package static func send(method: String, url: String, headers: [(String, String)] = [], body: [UInt8] = [],
                            timeout: Double = 5, maxResponseBytes: Int = .max) throws -> Response {
        let target = try ClientURL.parse(url).get()
        let deadline = MonotonicClock.nowMs() + EventLoop.milliseconds(timeout)
        let fd = try connect(target, url: url, deadline: deadline)
        defer { close(fd) }
        try writeAll(fd, requestBytes(method: method, target: target, headers: headers, body: body),
                     url: url, deadline: deadline)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            try wait(fd, for: Int16(POLLIN), url: url, deadline: deadline, doing: "waiting for the response")
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw HTTPClientError(kind: .io, url: url, message: "read: \(String(cString: strerror(errno)))")
            }
            if n > 0 { received.append(contentsOf: chunk[0..<n]) }
            if received.count > maxResponseBytes {
                throw HTTPClientError(kind: .io, url: url, message: "response larger than \(maxResponseBytes) bytes")
            }
            do {
                if let response = try HTTPResponseParser.parse(received, eof: n == 0, headOnly: method == "HEAD") {
                    return response
                }
            } catch {
                throw HTTPClientError(kind: .malformedResponse, url: url, message: error.message)
            }
        }
    }

    static func requestBytes(method: String, target: ClientURL, headers: [(String, String)], body: [UInt8]) -> [UInt8] {
        var text = "\(method) \(target.target) HTTP/1.1\r\n"
        let given = Set(headers.map { $0.0.lowercased() })
        if !given.contains("host") { text += "Host: \(target.hostHeader)\r\n" }
        if !given.contains("user-agent") { text += "User-Agent: glidepath\r\n" }
        for (name, value) in headers where !["content-length", "connection", "transfer-encoding"].contains(name.lowercased()) {
            text += "\(name): \(value)\r\n"
        }
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) { text += "Content-Length: \(body.count)\r\n" }
        text += "Connection: close\r\n\r\n"
        return Array(text.utf8) + body
    }

    private static func connect(_ target: ClientURL, url: String, deadline: Int64) throws -> Int32 {
        let what = target.hostHeader.contains(":") ? target.hostHeader : "\(target.hostHeader):\(target.port)"
        let addresses: [Socket.Address]
        do {
            addresses = try Socket.resolve(host: target.host, port: target.port, passive: false)
        } catch {
            throw HTTPClientError(kind: .resolve, url: url, message: "\(error)")
        }
        var lastError = HTTPClientError(kind: .resolve, url: url, message: "no address for \(target.host)")
        for address in addresses {
            let fd: Int32
            do { fd = try Socket.make(family: address.family, what: what) } catch {
                throw HTTPClientError(kind: .io, url: url, message: "\(error)")
            }
            var storage = address.storage
            let rc = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, address.length) }
            }
            do {
                if rc != 0 {
                    guard errno == EINPROGRESS else { throw connectError(errno, what: what, url: url) }
                    try wait(fd, for: Int16(POLLOUT), url: url, deadline: deadline, doing: "connecting to \(what)")
                    var code: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else {
                        throw connectError(errno, what: what, url: url)
                    }
                    if code != 0 { throw connectError(code, what: what, url: url) }
                }
                var one: Int32 = 1
                guard setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size)) == 0
                else { throw connectError(errno, what: what, url: url) }
                return fd
            } catch let error as HTTPClientError {
                close(fd)
                if error.kind == .timeout { throw error }
                lastError = error
            }
        }
        throw lastError
    }

    private static func connectError(_ code: Int32, what: String, url: String) -> HTTPClientError {
        HTTPClientError(kind: .connect, url: url, message: "connect to \(what): \(String(cString: strerror(code)))")
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], url: String, deadline: Int64) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                offset += n
            } else if n < 0 && (errno == EAGAIN || errno == EINTR) {
                try wait(fd, for: Int16(POLLOUT), url: url, deadline: deadline, doing: "sending the request")
            } else {
                throw HTTPClientError(kind: .io, url: url, message: "write: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Blocks until `fd` is ready for `events` or the deadline passes.
    private static func wait(_ fd: Int32, for events: Int16, url: String, deadline: Int64, doing: String) throws {
        while true {
            let remaining = deadline - MonotonicClock.nowMs()
            guard remaining > 0 else {
                throw HTTPClientError(kind: .timeout, url: url, message: "timed out \(doing)")
            }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&p, 1, Int32(min(remaining, Int64(Int32.max))))
            if rc > 0 { return }
            if rc < 0 && errno != EINTR {
                throw HTTPClientError(kind: .io, url: url, message: "poll: \(String(cString: strerror(errno)))")
            }
        }
    }
}
