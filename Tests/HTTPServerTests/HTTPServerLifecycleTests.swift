import Dispatch
import Glibc
import Synchronization
import Testing
@testable import HTTPServer

@Suite("server lifecycle and client")
struct HTTPServerLifecycleTests {
    @Test("shutdown with open connections closes them, joins the loops and is idempotent")
    func shutdownWithOpenConnections() throws {
        var config = HTTPServerConfig()
        config.port = 0
        let server = HTTPServer(config: config, handler: echoHandler)
        let port = try server.start()
        #expect(try server.start() == port)
        let sockets = try (0..<3).map { _ in try TestSocket(port: port) }
        for s in sockets {
            try s.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try s.readResponse().status == 200)
        }
        let half = try TestSocket(port: port)
        try half.send("GET / HTTP/1.1\r\nHost: x\r\n")
        #expect(eventually { server.connectionCount == 4 })
        let started = MonotonicClock.nowMs()
        server.shutdown()
        #expect(MonotonicClock.nowMs() - started < 2500)
        for s in sockets + [half] { #expect(try s.isClosedByPeer()) }
        #expect(server.connectionCount == 0)
        server.shutdown()
        #expect(throws: HTTPClientError.self) { try HTTPClient.send(method: "GET", url: "http://127.0.0.1:\(port)/") }
        #expect(throws: HTTPServerError.self) { try server.start() }
    }

    @Test("shutdown lets a response still in flight finish")
    func shutdownFlushes() throws {
        let big = [UInt8](repeating: 7, count: 4 << 20)
        var config = HTTPServerConfig()
        config.port = 0
        let server = HTTPServer(config: config, handler: { _ in HTTPResponse(status: 200, body: big) })
        let port = try server.start()
        let s = try TestSocket(port: port)
        try s.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(100_000)  // the server fills the socket buffers and waits for EPOLLOUT
        let done = DispatchGroup()
        DispatchQueue.global().async(group: done) { server.shutdown() }
        let response = try s.readResponse()
        #expect(response.body == big)
        #expect(response.headers["Connection"] == nil)
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(try s.isClosedByPeer())
    }

    @Test("a busy port fails start() with the errno text")
    func busyPort() throws {
        try withServer { _, port in
            var config = HTTPServerConfig()
            config.port = port
            let second = HTTPServer(config: config, handler: echoHandler)
            defer { second.shutdown() }
            #expect(throws: HTTPServerError(operation: "bind 127.0.0.1:\(port)", code: EADDRINUSE,
                                            reason: "Address already in use")) { try second.start() }
        }
    }

    @Test("binds to the wildcard and IPv6 loopback", arguments: ["0.0.0.0", "::1", "::"])
    func hosts(_ host: String) throws {
        var config = HTTPServerConfig()
        config.host = host
        config.port = 0
        let server = HTTPServer(config: config, handler: echoHandler)
        let port: UInt16
        do {
            port = try server.start()
        } catch let error as HTTPServerError where host.contains(":") {
            print("IPv6 unavailable, skipped: \(error)")  // IPv6 support is optional on this machine
            return
        }
        defer { server.shutdown() }
        let url = host.contains(":") ? "http://[::1]:\(port)/v6" : "http://127.0.0.1:\(port)/v4"
        #expect(try HTTPClient.send(method: "GET", url: url).status == 200)
    }

    @Test("a large response is flushed across many writes (EAGAIN and EPOLLOUT)")
    func largeResponse() throws {
        let big = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }
        try withServer(handler: { _ in HTTPResponse(status: 200, body: big) }) { _, port in
            let response = try HTTPClient.send(method: "GET", url: "http://127.0.0.1:\(port)/big")
            #expect(response.body == big)
        }
    }

    @Test("many concurrent clients are all served (connections spread over the loops)")
    func concurrentClients() throws {
        let served = Atomic<Int>(0)
        try withServer(handler: { request in
            served.add(1, ordering: .relaxed)
            return echoHandler(request)
        }) { _, port in
            let sockets = try (0..<40).map { _ in try TestSocket(port: port) }
            for round in 0..<5 {
                for s in sockets { try s.send("GET /\(round) HTTP/1.1\r\nHost: x\r\n\r\n") }
                for s in sockets { #expect(try s.readResponse().text == "GET /\(round) limit=- body=0") }
            }
            #expect(served.load(ordering: .relaxed) == 200)
        }
    }

    @Test("client: POST body, query and status round-trip")
    func clientRoundTrip() throws {
        try withServer { _, port in
            let response = try HTTPClient.send(method: "POST", url: "http://127.0.0.1:\(port)/v1/x?limit=5",
                                               headers: [("Content-Type", "text/plain")], body: Array("a b\n".utf8))
            #expect(response.status == 200)
            #expect(response.text == "POST /v1/x limit=5 body=4")
            #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
        }
    }

    @Test("client: connection refused names the address")
    func clientRefused() throws {
        let (fd, port) = try Socket.listen(host: "127.0.0.1", port: 0, backlog: 1)
        close(fd)
        let url = "http://127.0.0.1:\(port)/metrics"
        #expect(throws: HTTPClientError(kind: .connect, url: url,
                                        message: "connect to 127.0.0.1:\(port): Connection refused")) {
            try HTTPClient.send(method: "GET", url: url)
        }
    }

    @Test("client: a server that never answers times out")
    func clientTimeout() throws {
        let (fd, port) = try Socket.listen(host: "127.0.0.1", port: 0, backlog: 4)
        defer { close(fd) }
        let url = "http://127.0.0.1:\(port)/"
        let started = MonotonicClock.nowMs()
        #expect(throws: HTTPClientError(kind: .timeout, url: url, message: "timed out waiting for the response")) {
            try HTTPClient.send(method: "GET", url: url, timeout: 0.3)
        }
        #expect(MonotonicClock.nowMs() - started < 2000)
    }
}
