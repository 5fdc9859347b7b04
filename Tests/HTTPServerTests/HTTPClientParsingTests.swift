import Testing
@testable import HTTPServer

struct URLCase: Sendable, CustomTestStringConvertible {
    let url: String
    let expected: Result<ClientURL, HTTPClientError>
    var testDescription: String { url }
}

private func bad(_ url: String, _ message: String) -> URLCase {
    URLCase(url: url, expected: .failure(HTTPClientError(kind: .invalidURL, url: url, message: message)))
}

let urlCases: [URLCase] = [
    URLCase(url: "http://127.0.0.1:8470/metrics", expected: .success(ClientURL(host: "127.0.0.1", port: 8470, target: "/metrics"))),
    URLCase(url: "http://localhost", expected: .success(ClientURL(host: "localhost", port: 80, target: "/"))),
    URLCase(url: "HTTP://h:1?x=1", expected: .success(ClientURL(host: "h", port: 1, target: "/?x=1"))),
    URLCase(url: "http://[::1]:9/a/b?limit=5", expected: .success(ClientURL(host: "::1", port: 9, target: "/a/b?limit=5"))),
    bad("https://h/", "only http:// URLs are supported"),
    bad("h:80/", "only http:// URLs are supported"),
    bad("http://:80/", "missing host"),
    bad("http://h:0/", "invalid port \"0\""),
    bad("http://h:70000/", "invalid port \"70000\""),
    bad("http://h:/", "invalid port \"\""),
    bad("http://[::1/", "unterminated IPv6 address"),
    bad("http://h/a b", "spaces must be percent-encoded"),
]

@Test("client URLs", arguments: urlCases)
func clientURL(_ c: URLCase) {
    #expect(ClientURL.parse(c.url) == c.expected)
}

@Test("Host header omits port 80 and brackets IPv6")
func hostHeader() {
    #expect(ClientURL(host: "h", port: 80, target: "/").hostHeader == "h")
    #expect(ClientURL(host: "::1", port: 8470, target: "/").hostHeader == "[::1]:8470")
}

@Test("request bytes carry Host, Content-Length and Connection: close")
func requestBytes() {
    let bytes = HTTPClient.requestBytes(method: "POST", target: ClientURL(host: "h", port: 8, target: "/o?a=1"),
                                        headers: [("Content-Length", "9"), ("X-A", "1")], body: Array("abc".utf8))
    #expect(String(decoding: bytes, as: UTF8.self)
        == "POST /o?a=1 HTTP/1.1\r\nHost: h:8\r\nUser-Agent: glidepath\r\nX-A: 1\r\nContent-Length: 3\r\n"
        + "Connection: close\r\n\r\nabc")
}

struct ResponseCase: Sendable, CustomTestStringConvertible {
    let name: String
    let raw: String
    var eof = true
    var headOnly = false
    let expected: Result<HTTPClient.Response?, HTTPResponseParser.Failure>
    var testDescription: String { name }
}

private func ok(_ status: Int, _ headers: [(String, String)], _ body: String) -> Result<HTTPClient.Response?, HTTPResponseParser.Failure> {
    .success(HTTPClient.Response(status: status, headers: HTTPHeaders(headers.map { (name: $0.0, value: $0.1) }),
                                 body: Array(body.utf8)))
}

let responseCases: [ResponseCase] = [
    ResponseCase(name: "Content-Length", raw: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA", eof: false,
                 expected: ok(200, [("Content-Length", "2")], "ok")),
    ResponseCase(name: "incomplete body", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok", eof: false,
                 expected: .success(nil)),
    ResponseCase(name: "truncated body", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok",
                 expected: .failure(.init(message: "connection closed after 2 of 5 body bytes"))),
    ResponseCase(name: "until close", raw: "HTTP/1.0 200 OK\r\nX: y\r\n\r\nall of it",
                 expected: ok(200, [("X", "y")], "all of it")),
    ResponseCase(name: "chunked", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nT: 1\r\n\r\n",
                 eof: false, expected: ok(200, [("Transfer-Encoding", "chunked")], "abc0123456789")),
    ResponseCase(name: "chunked, incomplete", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab",
                 eof: false, expected: .success(nil)),
    ResponseCase(name: "chunked, closed inside", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab",
                 expected: .failure(.init(message: "connection closed inside a chunked body"))),
    ResponseCase(name: "chunked, bad size", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
                 eof: false, expected: .failure(.init(message: "malformed chunked body: malformed chunk size"))),
    ResponseCase(name: "interim 100 skipped", raw: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
                 eof: false, expected: ok(201, [("Content-Length", "0")], "")),
    ResponseCase(name: "HEAD has no body", raw: "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n", eof: false, headOnly: true,
                 expected: ok(200, [("Content-Length", "7")], "")),
    ResponseCase(name: "bad status line", raw: "HTTP/1.1 OK\r\n\r\n",
                 expected: .failure(.init(message: "malformed status line \"HTTP/1.1 OK\""))),
    ResponseCase(name: "not HTTP", raw: "SSH-2.0-OpenSSH\r\n",
                 expected: .failure(.init(message: "connection closed before the response head was complete"))),
]

@Test("client response parsing", arguments: responseCases)
func responseParsing(_ c: ResponseCase) {
    let result = Result { () throws(HTTPResponseParser.Failure) in
        try HTTPResponseParser.parse(Array(c.raw.utf8), eof: c.eof, headOnly: c.headOnly)
    }
    #expect(result == c.expected)
}
