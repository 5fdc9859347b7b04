import Dispatch
import Glibc
import Synchronization
import Testing
@testable import HTTPServer

/// Live tests of the bounds a hostile client meets: queued answers, bodies refused from the head, the
/// body budget, blocking handlers off the loop, the connection cap and the idle timer.
@Suite("hardened server on port 0")
struct HTTPServerHardeningTests {
    @Test("pipelined requests never read by the client queue at most maxQueuedOutputBytes; all arrive in order later")
    func pipelinedOutputIsBounded() throws {
        let size = 256 * 1024
        let handled = Atomic<Int>(0)
        try withServer({
            $0.maxQueuedOutputBytes = 1 << 20
            $0.eventLoops = 1
        }, handler: { request in
            handled.add(1, ordering: .relaxed)
            var body = [UInt8](repeating: 46, count: size)
            let tag = Array(request.path.utf8)
            body.replaceSubrange(0..<tag.count, with: tag)
            return HTTPResponse(status: 200, body: body)
        }) { server, port in
            // A small window: the kernel holds a few MiB at most, the rest would back up in the server.
            let s = try TestSocket(port: port, receiveBuffer: 64 * 1024)
            let count = 200  // 50 MiB of answers
            var all = ""
            for i in 0..<count { all += "GET /\(i) HTTP/1.1\r\nHost: x\r\n\r\n" }
            try s.send(all)
            usleep(400_000)
            // Without the bound the loop answers all 200 at once and holds ~50 MiB (what the kernel does
            // not take stays queued; the batch itself is that big while it is written).
            #expect(server.peakConnectionOutputBytes <= (1 << 20) + size)
            #expect(server.queuedOutputBytes <= (1 << 20) + size)
            #expect(handled.load(ordering: .relaxed) < count / 2)
            for i in 0..<count {
                let response = try s.readResponse()
                let tag = Array("/\(i)".utf8)
                #expect(response.status == 200 && response.body.count == size && Array(response.body.prefix(tag.count)) == tag)
                if response.status != 200 { break }
            }
            #expect(handled.load(ordering: .relaxed) == count)
            #expect(eventually { server.queuedOutputBytes == 0 })
            // The connection still works after draining.
            try s.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try s.readResponse().body.starts(with: Array("/again".utf8)))
        }
    }

    /// Refuses `/locked` without a token, as the router does for write routes.
    static let lockCheck: @Sendable (HTTPRequestHead) -> HTTPHeadVerdict = { head in
        if head.request.path == "/locked", head.request.headers["Authorization"] == nil {
            return .respond(.json(401, "{\"error\":\"token needed\"}"))
        }
        return .inline
    }

    @Test("a body refused from its head is never read: 401 arrives before the body is sent, then the connection closes")
    func refusedFromHead() throws {
        let handled = Atomic<Int>(0)
        try withServer(headCheck: Self.lockCheck, handler: { r in
            handled.add(1, ordering: .relaxed)
            return echoHandler(r)
        }) { server, port in
            let sockets = try (0..<50).map { _ in try TestSocket(port: port, readTimeout: 2) }
            for s in sockets {
                try s.send("POST /locked HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n"
                    + String(repeating: "a", count: 60_000))
            }
            for s in sockets {
                let response = try s.readResponse()
                #expect(response.status == 401 && response.text == "{\"error\":\"token needed\"}")
                #expect(response.headers["Connection"] == "close")
            }
            #expect(server.bufferedBodyBytes == 0)
            #expect(handled.load(ordering: .relaxed) == 0)
            // The rest of a refused body is drained and dropped; the client then sees the close.
            try? sockets[0].send(String(repeating: "b", count: 100_000))
            #expect(try sockets[0].isClosedByPeer())
            // A bodyless request answered from its head keeps its connection.
            let k = try TestSocket(port: port)
            try k.send("GET /locked HTTP/1.1\r\nHost: x\r\n\r\nGET /open HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try k.readResponse().status == 401)
            #expect(try k.readResponse().text == "GET /open limit=- body=0")
            #expect(handled.load(ordering: .relaxed) == 1)
        }
    }

    @Test("bodies beyond maxBufferedBodyBytes server-wide answer 503 and close; the budget is returned")
    func bodyBudget() throws {
        try withServer({ $0.maxBufferedBodyBytes = 100_000 }) { server, port in
            let a = try TestSocket(port: port)
            try a.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 80000\r\n\r\nabc")
            #expect(eventually { server.bufferedBodyBytes == 80_000 })
            let b = try TestSocket(port: port)
            try b.send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\n")
            let refused = try b.readResponse()
            #expect(refused.status == 503)
            #expect(refused.text == "{\"error\":\"the server is receiving too many request bodies; retry shortly\"}")
            #expect(refused.headers["Connection"] == "close")
            try a.send([UInt8](repeating: 65, count: 80_000 - 3))
            #expect(try a.readResponse().text == "POST /a limit=- body=80000")
            #expect(server.bufferedBodyBytes == 0)
            let c = try TestSocket(port: port)
            try c.send("POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\n" + String(repeating: "z", count: 50_000))
            #expect(try c.readResponse().text == "POST /c limit=- body=50000")
            // A connection that dies mid-body returns its reservation too.
            let d = try TestSocket(port: port)
            try d.send("POST /d HTTP/1.1\r\nHost: x\r\nContent-Length: 90000\r\n\r\nab")
            #expect(eventually { server.bufferedBodyBytes == 90_000 })
            close(d.fd)
            #expect(eventually { server.bufferedBodyBytes == 0 })
        }
    }

    static let slowCheck: @Sendable (HTTPRequestHead) -> HTTPHeadVerdict = { head in
        head.request.path.hasPrefix("/slow") ? .offload : .inline
    }

    static let slowHandler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
        if request.path.hasPrefix("/slow") { usleep(400_000) }
        return echoHandler(request)
    }

    @Test("an offloaded handler blocks neither its loop nor the order of answers on its connection")
    func offload() throws {
        try withServer({ $0.eventLoops = 1 }, headCheck: Self.slowCheck, handler: Self.slowHandler) { _, port in
            let s = try TestSocket(port: port)
            try s.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
            usleep(50_000)
            // The only loop still serves another client while the slow handler runs.
            let started = MonotonicClock.nowMs()
            let other = try HTTPClient.send(method: "GET", url: "http://127.0.0.1:\(port)/other")
            #expect(other.text == "GET /other limit=- body=0")
            #expect(MonotonicClock.nowMs() - started < 250)
            #expect(try s.readResponse().text == "POST /slow limit=- body=2")
            #expect(try s.readResponse().text == "GET /after limit=- body=0")
            try s.send("HEAD /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let head = try s.readResponse(head: true)
            #expect(head.status == 200 && head.headers["Content-Length"] == "\("HEAD /slow limit=- body=0".utf8.count)")
            let last = try s.readResponse()
            #expect(last.text == "GET /x limit=- body=0" && last.headers["Connection"] == "close")
            #expect(try s.isClosedByPeer())
        }
    }

    @Test("offloaded work beyond maxQueuedWork answers 503; shutdown waits for running handlers")
    func offloadQueueFull() throws {
        var config = HTTPServerConfig()
        config.port = 0
        config.workerThreads = 1
        config.maxQueuedWork = 1
        let finished = Atomic<Int>(0)
        let server = HTTPServer(config: config, headCheck: Self.slowCheck) { request in
            let response = Self.slowHandler(request)
            finished.add(1, ordering: .relaxed)
            return response
        }
        let port = try server.start()
        let a = try TestSocket(port: port)
        try a.send("GET /slow/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(100_000)
        let b = try TestSocket(port: port)
        try b.send("GET /slow/2 HTTP/1.1\r\nHost: x\r\n\r\n")
        let busy = try b.readResponse()
        #expect(busy.status == 503 && busy.text == "{\"error\":\"the server is busy; retry shortly\"}")
        server.shutdown()
        #expect(finished.load(ordering: .relaxed) == 1)
    }

    @Test("the connection cap stays fileDescriptorReserve below the descriptor limit",
          arguments: [(20_000, 1024, 256, 768), (20_000, 1 << 20, 256, 20_000), (10, 100, 256, 1), (500, 1000, 0, 500)])
    func connectionLimit(_ configured: Int, _ fdLimit: Int, _ reserve: Int, _ expected: Int) {
        #expect(HTTPServer.connectionLimit(configured: configured, fdLimit: fdLimit, reserve: reserve) == expected)
    }

    @Test("the running server's cap honours the process limit; refused connections are counted")
    func connectionCapCounted() throws {
        var limit = rlimit()
        #expect(getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0)
        try withServer({ $0.maxConnections = 1 << 30 }) { server, _ in
            #expect(server.maxConnectionsInEffect <= Int(min(limit.rlim_max, rlim_t(Int32.max))) - 256)
            #expect(server.maxConnectionsInEffect >= 1)
        }
        try withServer({ $0.maxConnections = 2 }) { server, port in
            let a = try TestSocket(port: port)
            let b = try TestSocket(port: port)
            for s in [a, b] {
                try s.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try s.readResponse().status == 200)
            }
            #expect(server.refusedConnections == 0)
            for _ in 0..<3 {
                let c = try TestSocket(port: port)
                #expect(try c.isClosedByPeer())
            }
            #expect(server.refusedConnections == 3)
            #expect(server.connectionCount == 2)
        }
    }

    @Test("bare CRLFs between requests do not reset the idle timer")
    func crlfIsNotActivity() throws {
        try withServer({ $0.idleTimeout = 0.5 }) { server, port in
            let s = try TestSocket(port: port)
            try s.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try s.readResponse().status == 200)
            let started = MonotonicClock.nowMs()
            var closedAfter: Int64?
            var sent = 0
            // A CRLF every 100 ms for up to 2.5 s, watching for the server's close in between.
            for _ in 0..<25 {
                var crlf: [UInt8] = [13, 10]
                if Glibc.send(s.fd, &crlf, 2, Int32(MSG_NOSIGNAL)) == 2 { sent += 1 }
                var watch = pollfd(fd: s.fd, events: Int16(POLLIN), revents: 0)
                if poll(&watch, 1, 100) == 1 {
                    closedAfter = MonotonicClock.nowMs() - started
                    break
                }
            }
            #expect(sent >= 4)
            let elapsed = try #require(closedAfter)
            #expect(elapsed >= 400 && elapsed < 1500)
            #expect(try s.isClosedByPeer())
            #expect(eventually { server.connectionCount == 0 })
        }
    }

    @Test("every answer carries a Date; HTTP/1.1 without Host answers 400")
    func dateAndHost() throws {
        try withServer { _, port in
            let s = try TestSocket(port: port)
            try s.send("GET /d HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try s.readResponse()
            let date = response.headers["Date"] ?? ""
            #expect(date.hasSuffix(" GMT") && date.count == 29)
            try s.send("GET /d HTTP/1.1\r\n\r\n")
            let missing = try s.readResponse()
            #expect(missing.status == 400 && missing.text == "{\"error\":\"an HTTP/1.1 request needs a Host header\"}")
            #expect(missing.headers["Date"] != nil)
        }
    }
}
