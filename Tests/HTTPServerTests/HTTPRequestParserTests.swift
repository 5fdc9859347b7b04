import Testing
@testable import HTTPServer

/// Feeds `raw` to a fresh parser in pieces of `step` bytes (0: all at once) and collects the events.
/// The tables below are about framing, so most of their HTTP/1.1 requests omit `Host` and parse with
/// `requireHost: false`; the Host rule has its own table (`headRuleCases`).
func parse(_ raw: [UInt8], step: Int = 0, maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 1 << 20,
           requireHost: Bool = false) -> [HTTPParserEvent] {
    var parser = HTTPRequestParser(maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes,
                                   requireHost: requireHost)
    guard step > 0 else { return parser.feed(raw) }
    var events: [HTTPParserEvent] = []
    var i = 0
    while i < raw.count {
        events += parser.feed(Array(raw[i..<min(raw.count, i + step)]))
        i += step
    }
    return events
}

private func req(_ method: String, _ target: String, _ path: String, query: [String: String] = [:],
                 headers: [(String, String)] = [], body: String = "") -> HTTPRequest {
    HTTPRequest(method: method, target: target, path: path, query: query,
                headers: HTTPHeaders(headers.map { (name: $0.0, value: $0.1) }), body: Array(body.utf8))
}

private let keep = HTTPRequestFraming(keepAlive: true, isHTTP10: false)
private let close11 = HTTPRequestFraming(keepAlive: false, isHTTP10: false)

struct ValidCase: Sendable, CustomTestStringConvertible {
    let name: String
    let raw: String
    let expected: [HTTPParserEvent]
    var testDescription: String { name }
}

let validCases: [ValidCase] = [
    ValidCase(name: "simple GET", raw: "GET /v1/migrations HTTP/1.1\r\nHost: x\r\n\r\n",
              expected: [.request(req("GET", "/v1/migrations", "/v1/migrations", headers: [("Host", "x")]), keep)]),
    ValidCase(name: "query with escapes and plus",
              raw: "GET /v1/migrations/a/decisions?limit=5&q=a%20b+c&flag HTTP/1.1\r\n\r\n",
              expected: [.request(req("GET", "/v1/migrations/a/decisions?limit=5&q=a%20b+c&flag",
                                      "/v1/migrations/a/decisions", query: ["limit": "5", "q": "a b c", "flag": ""]),
                                  keep)]),
    ValidCase(name: "percent-decoded UTF-8 path; an encoded slash or percent stays encoded",
              raw: "GET /m/tenant%2f%CE%B1+x/%25z HTTP/1.1\r\n\r\n",
              expected: [.request(req("GET", "/m/tenant%2f%CE%B1+x/%25z", "/m/tenant%2Fα+x/%25z"), keep)]),
    ValidCase(name: "an encoded slash does not make a segment",
              raw: "GET /v1/migrations/m1%2fweights HTTP/1.1\r\n\r\n",
              expected: [.request(req("GET", "/v1/migrations/m1%2fweights", "/v1/migrations/m1%2Fweights"), keep)]),
    ValidCase(name: "HTTP/1.1 with Host, HTTP/1.0 without",
              raw: "GET /a HTTP/1.1\r\nhost: h\r\n\r\nGET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
              expected: [.request(req("GET", "/a", "/a", headers: [("host", "h")]), keep),
                         .request(req("GET", "/b", "/b", headers: [("Connection", "keep-alive")]),
                                  HTTPRequestFraming(keepAlive: true, isHTTP10: true))]),
    ValidCase(name: "POST with Content-Length body",
              raw: "POST /o HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world",
              expected: [.request(req("POST", "/o", "/o", headers: [("Content-Length", "11")], body: "hello world"),
                                  keep)]),
    ValidCase(name: "Connection: close", raw: "GET / HTTP/1.1\r\nConnection: Close\r\n\r\n",
              expected: [.request(req("GET", "/", "/", headers: [("Connection", "Close")]), close11)]),
    ValidCase(name: "HTTP/1.0 closes by default", raw: "GET / HTTP/1.0\r\n\r\n",
              expected: [.request(req("GET", "/", "/"), HTTPRequestFraming(keepAlive: false, isHTTP10: true))]),
    ValidCase(name: "HTTP/1.0 keep-alive", raw: "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
              expected: [.request(req("GET", "/", "/", headers: [("Connection", "keep-alive")]),
                                  HTTPRequestFraming(keepAlive: true, isHTTP10: true))]),
    ValidCase(name: "pipelined GET, POST, GET",
              raw: "GET /1 HTTP/1.1\r\n\r\nPOST /2 HTTP/1.1\r\ncontent-length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\n\r\n",
              expected: [.request(req("GET", "/1", "/1"), keep),
                         .request(req("POST", "/2", "/2", headers: [("content-length", "3")], body: "abc"), keep),
                         .request(req("GET", "/3", "/3"), keep)]),
    ValidCase(name: "stray CRLF between requests", raw: "\r\nGET /a HTTP/1.1\r\n\r\n\r\nGET /b HTTP/1.1\r\n\r\n",
              expected: [.request(req("GET", "/a", "/a"), keep), .request(req("GET", "/b", "/b"), keep)]),
    ValidCase(name: "header whitespace trimmed", raw: "GET / HTTP/1.1\r\nX-A: \t v 1 \t\r\nX-B:\r\n\r\n",
              expected: [.request(req("GET", "/", "/", headers: [("X-A", "v 1"), ("X-B", "")]), keep)]),
    ValidCase(name: "absolute-form target", raw: "GET http://h:1/p?q=1 HTTP/1.1\r\n\r\n",
              expected: [.request(req("GET", "http://h:1/p?q=1", "/p", query: ["q": "1"]), keep)]),
    ValidCase(name: "identical duplicate Content-Length",
              raw: "PUT /x HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok",
              expected: [.request(req("PUT", "/x", "/x", headers: [("Content-Length", "2"), ("Content-Length", "2")],
                                      body: "ok"), keep)]),
    ValidCase(name: "nothing after Connection: close is parsed",
              raw: "GET /a HTTP/1.1\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\n\r\n",
              expected: [.request(req("GET", "/a", "/a", headers: [("Connection", "close")]), close11)]),
    ValidCase(name: "chunked body with extensions and a trailer",
              raw: "POST /o HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + "5;name=x\r\nhello\r\n1 \r\n \r\nA\r\nworld!\nabc\r\n0\r\nX-Sum: 1\r\n\r\n",
              expected: [.request(req("POST", "/o", "/o", headers: [("Transfer-Encoding", "chunked")],
                                      body: "hello world!\nabc"), keep)]),
    ValidCase(name: "empty chunked body, then a pipelined GET",
              raw: "POST /o HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\nGET /n HTTP/1.1\r\n\r\n",
              expected: [.request(req("POST", "/o", "/o", headers: [("Transfer-Encoding", "Chunked")]), keep),
                         .request(req("GET", "/n", "/n"), keep)]),
    ValidCase(name: "chunked, then Content-Length, pipelined",
              raw: "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                  + "POST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nde",
              expected: [.request(req("POST", "/a", "/a", headers: [("Transfer-Encoding", "chunked")], body: "abc"), keep),
                         .request(req("POST", "/b", "/b", headers: [("Content-Length", "2")], body: "de"), keep)]),
]

@Test("valid requests parse the same whole, byte by byte and in 7-byte pieces", arguments: validCases)
func validRequest(_ c: ValidCase) {
    let raw = Array(c.raw.utf8)
    #expect(parse(raw) == c.expected)
    #expect(parse(raw, step: 1) == c.expected)
    #expect(parse(raw, step: 7) == c.expected)
}

@Test("valid requests parse when split in two at every byte", arguments: validCases)
func validRequestSplitEverywhere(_ c: ValidCase) {
    let raw = Array(c.raw.utf8)
    for cut in 0...raw.count {
        var parser = HTTPRequestParser(requireHost: false)
        let events = parser.feed(Array(raw[..<cut])) + parser.feed(Array(raw[cut...]))
        #expect(events == c.expected, "cut at \(cut)")
    }
}

struct MalformedCase: Sendable, CustomTestStringConvertible {
    let raw: String
    let status: Int
    let message: String
    var testDescription: String { "\(status) \(message): \(raw.debugDescription.prefix(60))" }
}

let malformedCases: [MalformedCase] = [
    MalformedCase(raw: "GARBAGE\r\n\r\n", status: 400, message: "malformed request line"),
    MalformedCase(raw: "GET /\r\n\r\n", status: 400, message: "malformed request line"),
    MalformedCase(raw: "GET  / HTTP/1.1\r\n\r\n", status: 400, message: "malformed request line"),
    MalformedCase(raw: "GET / HTTX/1.1\r\n\r\n", status: 400, message: "malformed request line"),
    MalformedCase(raw: "GET nope HTTP/1.1\r\n\r\n", status: 400, message: "malformed request line"),
    MalformedCase(raw: "G(T / HTTP/1.1\r\n\r\n", status: 400, message: "malformed request line"),
    MalformedCase(raw: "\u{16}\u{03}\u{01}\u{02}\u{00}", status: 400, message: "malformed request line"),
    MalformedCase(raw: "GET / HTTP/2.0\r\n\r\n", status: 505, message: "unsupported HTTP version HTTP/2.0"),
    MalformedCase(raw: "GET /a%zz HTTP/1.1\r\n\r\n", status: 400, message: "invalid percent-encoding in request target"),
    MalformedCase(raw: "GET /?a=%ff HTTP/1.1\r\n\r\n", status: 400, message: "invalid percent-encoding in request target"),
    MalformedCase(raw: "GET / HTTP/1.1\r\nNoColon\r\n\r\n", status: 400, message: "malformed header field"),
    MalformedCase(raw: "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", status: 400, message: "malformed header field"),
    MalformedCase(raw: "GET / HTTP/1.1\r\nX : x\r\n\r\n", status: 400, message: "malformed header field"),
    MalformedCase(raw: "GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", status: 400, message: "malformed header field"),
    MalformedCase(raw: "GET / HTTP/1.1\r\n: x\r\n\r\n", status: 400, message: "malformed header field"),
    MalformedCase(raw: "GET / HTTP/1.1\r\nX: a\u{01}b\r\n\r\n", status: 400, message: "invalid character in header value"),
    MalformedCase(raw: "GET / HTTP/1.1\r\nX: a\nb\r\n\r\n", status: 400, message: "invalid character in header value"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", status: 400, message: "invalid Content-Length"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", status: 400, message: "invalid Content-Length"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\n", status: 400, message: "invalid Content-Length"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", status: 400,
                  message: "conflicting Content-Length headers"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", status: 501,
                  message: "unsupported Transfer-Encoding gzip; send chunked or Content-Length"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", status: 400,
                  message: "Transfer-Encoding must end with chunked"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc", status: 400,
                  message: "both Content-Length and Transfer-Encoding: send one"),
    MalformedCase(raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400,
                  message: "Transfer-Encoding in an HTTP/1.0 request"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", status: 400,
                  message: "malformed chunked body: malformed chunk size"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", status: 400,
                  message: "malformed chunked body: malformed chunk size"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", status: 400,
                  message: "malformed chunked body: chunk data not followed by CRLF"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", status: 400,
                  message: "malformed chunked body: malformed chunk size"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n", status: 413,
                  message: "request body too large (limit 1048576 bytes)"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "0", count: 1100),
                  status: 400, message: "malformed chunked body: chunk-size line too long"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer\r\n\r\n", status: 400,
                  message: "malformed header field"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n", status: 413,
                  message: "request body too large (limit 1048576 bytes)"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", status: 413,
                  message: "request body too large (limit 1048576 bytes)"),
    MalformedCase(raw: "POST / HTTP/1.1\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx", status: 417,
                  message: "unsupported Expect: 200-ok"),
    MalformedCase(raw: "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 17_000) + "\r\n\r\n", status: 431,
                  message: "request header fields too large (limit 16384 bytes)"),
    MalformedCase(raw: "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 17_000), status: 431,
                  message: "request header fields too large (limit 16384 bytes)"),
]

@Test("malformed requests answer the exact status and message, whole or byte by byte", arguments: malformedCases)
func malformedRequest(_ c: MalformedCase) {
    let expected = [HTTPParserEvent.error(HTTPParseError(status: c.status, message: c.message))]
    let raw = Array(c.raw.utf8)
    #expect(parse(raw) == expected)
    #expect(parse(raw, step: 1) == expected)
}

/// Rules on the head as a whole (RFC 9112 §3.2 Host; one set of credentials), with `Host` required.
let headRuleCases: [MalformedCase] = [
    MalformedCase(raw: "GET / HTTP/1.1\r\n\r\n", status: 400, message: "an HTTP/1.1 request needs a Host header"),
    MalformedCase(raw: "GET / HTTP/1.1\r\nX-Host: h\r\n\r\n", status: 400,
                  message: "an HTTP/1.1 request needs a Host header"),
    MalformedCase(raw: "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", status: 400, message: "more than one Host header"),
    MalformedCase(raw: "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", status: 400, message: "more than one Host header"),
    MalformedCase(raw: "POST /v1/migrations/m/pause HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer a\r\n"
                      + "authorization: Bearer b\r\nContent-Length: 2\r\n\r\n{}", status: 400,
                  message: "more than one Authorization header"),
    MalformedCase(raw: "GET / HTTP/1.0\r\nAuthorization: Bearer a\r\nAuthorization: Bearer a\r\n\r\n", status: 400,
                  message: "more than one Authorization header"),
]

@Test("head rules: Host required once on HTTP/1.1, Authorization at most once", arguments: headRuleCases)
func headRule(_ c: MalformedCase) {
    let expected = [HTTPParserEvent.error(HTTPParseError(status: c.status, message: c.message))]
    let raw = Array(c.raw.utf8)
    #expect(parse(raw, requireHost: true) == expected)
    #expect(parse(raw, step: 1, requireHost: true) == expected)
}

@Test("an HTTP/1.0 request needs no Host; one Host and one Authorization parse")
func headRulesAccept() {
    let raw = Array("GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\n\r\n".utf8)
    var parser = HTTPRequestParser()
    let first = parser.feed(raw)
    #expect(first == [.request(req("GET", "/a", "/a"), HTTPRequestFraming(keepAlive: false, isHTTP10: true))])
    var second = HTTPRequestParser()
    let events = second.feed(Array(raw[19...]))
    #expect(events == [.request(req("GET", "/b", "/b", headers: [("Host", "h"), ("Authorization", "Bearer t")]), keep)])
}

@Test("decodedSegment turns the kept %2F and %25 back into / and %")
func decodedSegment() {
    #expect(HTTPRequest.decodedSegment("m1%2Fweights") == "m1/weights")
    #expect(HTTPRequest.decodedSegment("a%25b%2Fc") == "a%b/c")
    #expect(HTTPRequest.decodedSegment("plain") == "plain")
}

@Test("with reportsHeads the head comes before the body is read, and .stop refuses the body")
func headEvent() {
    var parser = HTTPRequestParser(requireHost: false, reportsHeads: true)
    var events: [HTTPParserEvent] = []
    let raw = Array("POST /o HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel".utf8)
    raw.withUnsafeBytes { parser.feed($0, steering: { events.append($0); return .proceed }) }
    guard events.count == 1, case .head(let head) = events[0] else {
        Issue.record("expected one head, got \(events)")
        return
    }
    #expect(head.request.path == "/o" && head.contentLength == 5 && head.hasBody && head.request.body.isEmpty)
    var refusing = HTTPRequestParser(requireHost: false, reportsHeads: true)
    var seen = 0
    raw.withUnsafeBytes { refusing.feed($0, steering: { _ in seen += 1; return .stop }) }
    #expect(seen == 1)
    #expect(refusing.isStopped && refusing.bufferedBytes == 0)
}

@Test("pause keeps the unparsed requests; resume parses them without new bytes")
func pauseAndResume() {
    var parser = HTTPRequestParser(requireHost: false)
    var seen: [String] = []
    let steer: (HTTPParserEvent) -> HTTPParserAction = { event in
        if case .request(let r, _) = event { seen.append(r.path) }
        return .pause
    }
    let raw = Array("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\nGET /4 HT".utf8)
    raw.withUnsafeBytes { parser.feed($0, steering: steer) }
    #expect(seen == ["/1"])
    #expect(parser.isPaused && parser.bufferedBytes == raw.count - 19)
    // Bytes arriving while paused are only kept.
    Array("TP/1.1\r\n\r\n".utf8).withUnsafeBytes { parser.feed($0, steering: steer) }
    #expect(seen == ["/1"])
    parser.resume(steering: steer)
    #expect(seen == ["/1", "/2"])
    parser.resume(steering: steer)
    parser.resume(steering: steer)
    #expect(seen == ["/1", "/2", "/3", "/4"])
    parser.resume(steering: steer)
    #expect(!parser.isPaused && parser.bufferedBytes == 0 && !parser.hasPartialRequest)
}

@Test("after an error the parser ignores every later byte")
func errorStopsParser() {
    var parser = HTTPRequestParser(requireHost: false)
    let first = parser.feed(Array("GET /ok HTTP/1.1\r\n\r\nBAD LINE\r\n\r\n".utf8))
    #expect(first == [.request(req("GET", "/ok", "/ok"), keep), .error(.malformedRequestLine)])
    #expect(parser.isStopped)
    #expect(parser.feed(Array("GET /later HTTP/1.1\r\n\r\n".utf8)).isEmpty)
}

@Test("Expect: 100-continue asks for the body before it arrives, then delivers the request")
func expectContinue() {
    var parser = HTTPRequestParser(requireHost: false)
    let head = parser.feed(Array("POST /o HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n".utf8))
    #expect(head == [.sendContinue])
    #expect(parser.hasPartialRequest)
    #expect(parser.feed(Array("hel".utf8)).isEmpty)
    let rest = parser.feed(Array("lo".utf8))
    #expect(rest == [.request(req("POST", "/o", "/o", headers: [("Expect", "100-Continue"), ("Content-Length", "5")],
                                  body: "hello"), keep)])
    #expect(!parser.hasPartialRequest)
}

@Test("chunks adding up past the body limit answer 413, however they are split")
func chunkedTooLarge() {
    let raw = Array("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n".utf8)
    let expected = [HTTPParserEvent.error(HTTPParseError(status: 413, message: "request body too large (limit 10 bytes)"))]
    #expect(parse(raw, maxBodyBytes: 10) == expected)
    #expect(parse(raw, step: 1, maxBodyBytes: 10) == expected)
    #expect(parse(raw, maxBodyBytes: 11).count == 1 && parse(raw, maxBodyBytes: 11) != expected)
}

@Test("a chunked body of 1 MiB fed in 1-byte pieces is decoded whole, in linear time")
func chunkedLargeBytewise() {
    var raw = Array("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
    let piece = [UInt8](repeating: 120, count: 4096)
    for _ in 0..<255 { raw += Array("1000\r\n".utf8) + piece + [13, 10] }
    raw += Array("0\r\n\r\n".utf8)
    var parser = HTTPRequestParser(requireHost: false)
    var events: [HTTPParserEvent] = []
    raw.withUnsafeBytes { all in
        for i in 0..<all.count { parser.feed(UnsafeRawBufferPointer(rebasing: all[i..<(i + 1)])) { events.append($0) } }
    }
    guard case .request(let r, _)? = events.first, events.count == 1 else {
        Issue.record("expected one request, got \(events.count) events")
        return
    }
    #expect(r.body.count == 255 * 4096 && r.body.allSatisfy { $0 == 120 })
    #expect(!parser.hasPartialRequest)
}

@Test("Expect: 100-continue with a chunked body asks for it, then delivers the request")
func expectContinueChunked() {
    var parser = HTTPRequestParser(requireHost: false)
    let head = parser.feed(Array("POST /o HTTP/1.1\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
    #expect(head == [.sendContinue])
    #expect(parser.hasPartialRequest)
    #expect(parser.feed(Array("2\r\nhi\r\n".utf8)).isEmpty)
    let rest = parser.feed(Array("0\r\n\r\n".utf8))
    #expect(rest == [.request(req("POST", "/o", "/o", headers: [("Expect", "100-continue"), ("Transfer-Encoding", "chunked")],
                                  body: "hi"), keep)])
}

@Test("a body over the limit answers 413 without a 100 Continue")
func expectContinueTooLarge() {
    let events = parse(Array("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n".utf8),
                       maxBodyBytes: 10)
    #expect(events == [.error(HTTPParseError(status: 413, message: "request body too large (limit 10 bytes)"))])
}

@Test("no 100 Continue when the body came with the head")
func expectContinueBodyPresent() {
    let events = parse(Array("POST /o HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi".utf8))
    #expect(events == [.request(req("POST", "/o", "/o", headers: [("Expect", "100-continue"), ("Content-Length", "2")],
                                    body: "hi"), keep)])
}

@Test("HTTP/1.0 ignores Expect")
func expectIgnoredForHTTP10() {
    let events = parse(Array("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n".utf8))
    #expect(events.isEmpty)
}

@Test("hasPartialRequest tracks a request under way")
func partialRequest() {
    var parser = HTTPRequestParser(requireHost: false)
    #expect(!parser.hasPartialRequest)
    #expect(parser.feed(Array("GET / HT".utf8)).isEmpty)
    #expect(parser.hasPartialRequest)
    #expect(parser.feed(Array("TP/1.1\r\n\r\n".utf8)).count == 1)
    #expect(!parser.hasPartialRequest)
}

@Test("the header limit counts the request line, headers and blank line")
func headerLimitBoundary() {
    let raw = Array("GET / HTTP/1.1\r\nX: abc\r\n\r\n".utf8)
    #expect(raw.count == 26)
    #expect(parse(raw, maxHeaderBytes: 26).count == 1)
    #expect(parse(raw, maxHeaderBytes: 25) == [.error(.headerTooLarge(limit: 25))])
}
