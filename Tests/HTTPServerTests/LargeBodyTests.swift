import Foundation
import HTTPServer
import Testing

/// A worker's large answer (a /metrics of thousands of migrations) is written from its own buffer: it must
/// arrive whole and in order behind a reader that is slower than the socket, and before the next answer.
@Suite(.serialized) struct LargeBodyTests {
    /// 6 MB of a pattern no shifted copy matches.
    static let big: [UInt8] = (0..<6_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }

    static let check: @Sendable (HTTPRequestHead) -> HTTPHeadVerdict = { head in
        head.request.path.hasPrefix("/big") ? .offload : .inline
    }

    static let handler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
        if request.path.hasPrefix("/big") {
            return HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "application/octet-stream")]), body: big)
        }
        return echoHandler(request)
    }

    @Test func aLargeAnswerArrivesWholeBehindASlowReaderThenTheNextOne() throws {
        try withServer({ $0.eventLoops = 1 }, headCheck: Self.check, handler: Self.handler) { _, port in
            let s = try TestSocket(port: port, readTimeout: 5)
            try s.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
            // Let the socket fill: the rest waits for EPOLLOUT.
            usleep(300_000)
            let first = try s.readResponse()
            #expect(first.status == 200)
            #expect(first.headers["Content-Length"] == "6000000")
            #expect(first.body.count == Self.big.count)
            #expect(first.body == Self.big)
            #expect(try s.readResponse().text == "GET /after limit=- body=0")
        }
    }

    @Test func headOfALargeAnswerHasItsLengthAndNoBody() throws {
        try withServer({ $0.eventLoops = 1 }, headCheck: Self.check, handler: Self.handler) { _, port in
            let s = try TestSocket(port: port, readTimeout: 5)
            try s.send("HEAD /big HTTP/1.1\r\nHost: x\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let head = try s.readResponse(head: true)
            #expect(head.status == 200 && head.headers["Content-Length"] == "6000000" && head.body.isEmpty)
            let last = try s.readResponse()
            #expect(last.text == "GET /x limit=- body=0")
            #expect(try s.isClosedByPeer())
        }
    }

    @Test func aLargeAnswerOnAClosingConnectionIsSentWholeBeforeTheClose() throws {
        try withServer({ $0.eventLoops = 1 }, headCheck: Self.check, handler: Self.handler) { server, port in
            let s = try TestSocket(port: port, readTimeout: 5)
            try s.send("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            usleep(200_000)
            let answer = try s.readResponse()
            #expect(answer.headers["Connection"] == "close")
            #expect(answer.body == Self.big)
            #expect(try s.isClosedByPeer())
            #expect(eventually { server.queuedOutputBytes == 0 })
        }
    }
}
