import Glibc
import Testing
@testable import HTTPServer

@Suite("live server on port 0")
struct HTTPServerLiveTests {
    @Test("two requests on one keep-alive connection")
    func keepAlive() throws {
        try withServer { server, port in
            let s = try TestSocket(port: port)
            try s.send("GET /a?limit=5 HTTP/1.1\r\nHost: x\r\n\r\n")
            let first = try s.readResponse()
            #expect(first.status == 200)
            #expect(first.text == "GET /a limit=5 body=0")
            #expect(first.headers["Connection"] == nil)
            try s.send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd")
            #expect(try s.readResponse().text == "POST /b limit=- body=4")
            #expect(server.connectionCount == 1)
        }
    }

    @Test("pipelined requests are answered in order")
    func pipelining() throws {
        try withServer { _, port in
            let s = try TestSocket(port: port)
            try s.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiHEAD /3 HTTP/1.1\r\nHost: x\r\n\r\nGET /4 HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try s.readResponse().text == "GET /1 limit=- body=0")
            #expect(try s.readResponse().text == "POST /2 limit=- body=2")
            let head = try s.readResponse(head: true)
            #expect(head.headers["Content-Length"] == "\("HEAD /3 limit=- body=0".utf8.count)")
            #expect(try s.readResponse().text == "GET /4 limit=- body=0")
        }
    }

    @Test("oversized headers answer 431 and close")
    func headerTooLarge() throws {
        try withServer { _, port in
            let s = try TestSocket(port: port)
            try s.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 20_000) + "\r\n\r\n")
            let response = try s.readResponse()
            #expect(response.status == 431)
            #expect(response.text == "{\"error\":\"request header fields too large (limit 16384 bytes)\"}")
            #expect(response.headers["Connection"] == "close")
            #expect(try s.isClosedByPeer())
        }
    }

    @Test("a 2 MiB body answers 413 as soon as the head arrives")
    func bodyTooLarge() throws {
        try withServer { _, port in
            let s = try TestSocket(port: port)
            try s.send("POST /o HTTP/1.1\r\nHost: x\r\nContent-Length: \(2 << 20)\r\n\r\n")
            let response = try s.readResponse()
            #expect(response.status == 413)
            #expect(response.text == "{\"error\":\"request body too large (limit 1048576 bytes)\"}")
            // A client that sends the whole body anyway still gets the answer.
            let sent = try HTTPClient.send(method: "POST", url: "http://127.0.0.1:\(port)/o",
                                           body: [UInt8](repeating: 65, count: 2 << 20))
            #expect(sent.status == 413)
        }
    }

    @Test("garbage gets 400 and close; the server keeps serving others")
    func garbage() throws {
        try withServer { _, port in
            let s = try TestSocket(port: port)
            try s.send("GARBAGE\r\n\r\n")
            let response = try s.readResponse()
            #expect(response.status == 400)
            #expect(response.text == "{\"error\":\"malformed request line\"}")
            #expect(try s.isClosedByPeer())
            let next = try HTTPClient.send(method: "GET", url: "http://127.0.0.1:\(port)/still")
            #expect(next.text == "GET /still limit=- body=0")
        }
    }

    @Test("a request that never finishes answers 408 and closes")
    func requestTimeout() throws {
        try withServer({ $0.requestTimeout = 0.3 }) { server, port in
            let s = try TestSocket(port: port)
            try s.send("GET / HTTP/1.1\r\nHost: x\r\n")
            let started = MonotonicClock.nowMs()
            let response = try s.readResponse()
            let waited = MonotonicClock.nowMs() - started
            #expect(response.status == 408)
            #expect(response.text == "{\"error\":\"request not completed in time\"}")
            #expect(waited >= 250 && waited < 3000)
            #expect(try s.isClosedByPeer())
            #expect(eventually { server.connectionCount == 0 })
        }
    }

    @Test("an idle keep-alive connection is closed after idleTimeout")
    func idleTimeout() throws {
        try withServer({ $0.idleTimeout = 0.3 }) { server, port in
            let s = try TestSocket(port: port)
            try s.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try s.readResponse().status == 200)
            let started = MonotonicClock.nowMs()
            #expect(try s.isClosedByPeer())
            #expect(MonotonicClock.nowMs() - started >= 250)
            #expect(eventually { server.connectionCount == 0 })
        }
    }

    @Test("connections beyond maxConnections are closed at once")
    func connectionCap() throws {
        try withServer({ $0.maxConnections = 2 }) { server, port in
            let a = try TestSocket(port: port)
            let b = try TestSocket(port: port)
            for s in [a, b] {
                try s.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try s.readResponse().status == 200)
            }
            let c = try TestSocket(port: port)
            #expect(try c.isClosedByPeer())
            #expect(server.connectionCount == 2)
            try a.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try a.readResponse().text == "GET /again limit=- body=0")
        }
    }

    @Test("Expect: 100-continue gets 100 Continue before the body is sent")
    func expectContinue() throws {
        try withServer { _, port in
            let s = try TestSocket(port: port)
            try s.send("POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2000\r\n\r\n")
            let interim = try s.readBytes(25)
            #expect(String(decoding: interim, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
            try s.send([UInt8](repeating: 66, count: 2000))
            #expect(try s.readResponse().text == "POST /up limit=- body=2000")
        }
    }

    @Test("HEAD gets the GET headers and no body; the connection stays usable")
    func head() throws {
        try withServer { _, port in
            let viaClient = try HTTPClient.send(method: "HEAD", url: "http://127.0.0.1:\(port)/h")
            #expect(viaClient.status == 200)
            #expect(viaClient.body.isEmpty)
            #expect(viaClient.headers["Content-Length"] == "\("HEAD /h limit=- body=0".utf8.count)")
            let s = try TestSocket(port: port)
            try s.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try s.readResponse(head: true)
            #expect(try s.readResponse().text == "GET /g limit=- body=0")
        }
    }

    @Test("HTTP/1.0 requests are answered with Connection: close and closed")
    func http10() throws {
        try withServer { _, port in
            let s = try TestSocket(port: port)
            try s.send("GET /old HTTP/1.0\r\n\r\n")
            let response = try s.readResponse()
            #expect(response.headers["Connection"] == "close")
            #expect(try s.isClosedByPeer())
            let k = try TestSocket(port: port)
            try k.send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try k.readResponse().headers["Connection"] == "keep-alive")
            try k.send("GET /again HTTP/1.0\r\n\r\n")
            #expect(try k.readResponse().text == "GET /again limit=- body=0")
        }
    }
}
