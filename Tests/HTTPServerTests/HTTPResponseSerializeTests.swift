import Glibc
import Testing
@testable import HTTPServer

struct SerializeCase: Sendable, CustomTestStringConvertible {
    let name: String
    let response: HTTPResponse
    var headOnly = false
    var close = false
    var keepAliveHeader = false
    var dateLine = ""
    let wire: String
    var testDescription: String { name }
}

let serializeCases: [SerializeCase] = [
    SerializeCase(name: "JSON keep-alive", response: .json(200, "{}"),
                  wire: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"),
    SerializeCase(name: "closing", response: .text(404, "no"), close: true,
                  wire: "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n"
                      + "Connection: close\r\n\r\nno"),
    SerializeCase(name: "HEAD keeps the length, drops the body", response: .json(200, "{\"a\":1}"), headOnly: true,
                  wire: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n"),
    SerializeCase(name: "304 has neither length nor body",
                  response: HTTPResponse(status: 304, headers: HTTPHeaders([("ETag", "\"7\"")]), body: Array("x".utf8)),
                  wire: "HTTP/1.1 304 Not Modified\r\nETag: \"7\"\r\n\r\n"),
    SerializeCase(name: "204", response: HTTPResponse(status: 204),
                  wire: "HTTP/1.1 204 No Content\r\n\r\n"),
    SerializeCase(name: "empty 200 says Content-Length: 0", response: HTTPResponse(status: 200),
                  wire: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
    SerializeCase(name: "HTTP/1.0 keep-alive", response: .text(200, "ok"), keepAliveHeader: true,
                  wire: "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n"
                      + "Connection: keep-alive\r\n\r\nok"),
    SerializeCase(name: "handler framing headers are replaced",
                  response: HTTPResponse(status: 202, headers: HTTPHeaders([("content-length", "99"),
                                                                            ("Connection", "keep-alive"),
                                                                            ("Transfer-Encoding", "chunked"),
                                                                            ("X-A", "1")]),
                                         body: Array("abc".utf8)),
                  close: true,
                  wire: "HTTP/1.1 202 Accepted\r\nX-A: 1\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"),
    SerializeCase(name: "CR and LF in header values cannot split the response",
                  response: HTTPResponse(status: 200, headers: HTTPHeaders([("X-A", "a\r\nX-B: b")])),
                  wire: "HTTP/1.1 200 OK\r\nX-A: a  X-B: b\r\nContent-Length: 0\r\n\r\n"),
    SerializeCase(name: "unknown status code", response: HTTPResponse(status: 299),
                  wire: "HTTP/1.1 299 Unknown\r\nContent-Length: 0\r\n\r\n"),
    SerializeCase(name: "parse error as JSON", response: .error(.bodyTooLarge(limit: 1_048_576)), close: true,
                  wire: "HTTP/1.1 413 Content Too Large\r\nContent-Type: application/json\r\nContent-Length: 56\r\n"
                      + "Connection: close\r\n\r\n{\"error\":\"request body too large (limit 1048576 bytes)\"}"),
    SerializeCase(name: "the server's Date line follows the status line", response: .text(200, "ok"),
                  dateLine: "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n",
                  wire: "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Type: text/plain; charset=utf-8\r\n"
                      + "Content-Length: 2\r\n\r\nok"),
    SerializeCase(name: "the server's Date replaces the handler's",
                  response: HTTPResponse(status: 204, headers: HTTPHeaders([("date", "yesterday"), ("X-A", "1")])),
                  dateLine: "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n",
                  wire: "HTTP/1.1 204 No Content\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nX-A: 1\r\n\r\n"),
]

@Test("responses serialize to exact bytes", arguments: serializeCases)
func serialize(_ c: SerializeCase) {
    let bytes = c.response.serialized(headOnly: c.headOnly, close: c.close, keepAliveHeader: c.keepAliveHeader,
                                      dateLine: Array(c.dateLine.utf8))
    #expect(String(decoding: bytes, as: UTF8.self) == c.wire)
}

@Test("serialize appends after existing bytes (batched pipelined answers)")
func serializeAppends() {
    var out = Array("X".utf8)
    HTTPResponse(status: 200).serialize(into: &out)
    #expect(String(decoding: out, as: UTF8.self) == "XHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
}

@Test("JSON escaping of error messages")
func jsonEscaping() {
    let response = HTTPResponse.error(HTTPParseError(status: 417, message: "unsupported Expect: \"a\\b\"\t\u{01}"))
    #expect(String(decoding: response.body, as: UTF8.self) == "{\"error\":\"unsupported Expect: \\\"a\\\\b\\\"\\t\\u0001\"}")
}

@Test("asksToClose reads the handler's Connection header",
      arguments: [([("Connection", "close")], true), ([("connection", "Keep-Alive, Close")], true),
                  ([("Connection", "keep-alive")], false), ([], false)])
func asksToClose(_ headers: [(String, String)], _ expected: Bool) {
    let response = HTTPResponse(status: 200, headers: HTTPHeaders(headers.map { (name: $0.0, value: $0.1) }))
    #expect(response.asksToClose == expected)
}

@Test("header look-ups ignore ASCII case only")
func headerLookup() {
    let headers = HTTPHeaders([("Content-Type", "a"), ("X-Dup", "1"), ("x-dup", "2")])
    #expect(headers["content-type"] == "a")
    #expect(headers["CONTENT-TYPE"] == "a")
    #expect(headers["Content-Typ"] == nil)
    #expect(headers.values("X-DUP") == ["1", "2"])
    #expect(!HTTPHeaders.sameName("a@", "a`"))
}

@Test("IMF-fixdate (RFC 9110 §5.6.7)", arguments: [
    (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"), (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
    (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"), (1_798_761_599, "Thu, 31 Dec 2026 23:59:59 GMT"),
])
func imfFixdate(_ seconds: Int, _ text: String) {
    #expect(HTTPDate.imfFixdate(seconds) == text)
}

@Test("the Date line is the current second's IMF-fixdate, reused within the second")
func dateCache() {
    var date = HTTPDate()
    let before = time(nil)
    date.refresh()
    let first = date.line
    date.refresh()
    let after = time(nil)
    let text = String(decoding: first, as: UTF8.self)
    #expect(text.hasPrefix("Date: ") && text.hasSuffix(" GMT\r\n") && first.count == 37)
    #expect(text == "Date: \(HTTPDate.imfFixdate(Int(before)))\r\n" || before != after)
    if before == after { #expect(date.line == first) }
}
