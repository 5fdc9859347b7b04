import JSONText

extension HTTPResponse {
    /// The interim answer to `Expect: 100-continue`.
    package static let continueBytes: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// True when the handler set `Connection: close`: the server closes after this response.
    package var asksToClose: Bool {
        for field in headers.fields where HTTPHeaders.sameName(field.name, "Connection") {
            if field.value.lowercased().contains("close") { return true }
        }
        return false
    }

    /// The JSON error body the server sends for a refused request.
    package static func error(_ error: HTTPParseError) -> HTTPResponse {
        .json(error.status, "{\"error\":\(jsonQuoted(error.message))}")
    }

    /// The response as it goes on the wire (see `serialize(into:headOnly:close:keepAliveHeader:)`).
    package func serialized(headOnly: Bool = false, close: Bool = false, keepAliveHeader: Bool = false,
                           dateLine: [UInt8] = []) -> [UInt8] {
        var out: [UInt8] = []
        serialize(into: &out, headOnly: headOnly, close: close, keepAliveHeader: keepAliveHeader, dateLine: dateLine)
        return out
    }

    /// Appends the response to `out`: status line with reason phrase, `dateLine` (the server's
    /// `Date: ...\r\n`, which then replaces any `Date` of the handler), the handler's headers (its own
    /// `Content-Length`, `Connection` and `Transfer-Encoding` are replaced by the server's framing),
    /// `Content-Length`, then `Connection: close` when `close` or `Connection: keep-alive` when
    /// `keepAliveHeader` (HTTP/1.0 clients), and the body. `headOnly` (HEAD) keeps the length but drops
    /// the body; 1xx, 204 and 304 have neither.
    package func serialize(into out: inout [UInt8], headOnly: Bool = false, close: Bool = false,
                          keepAliveHeader: Bool = false, dateLine: [UInt8] = []) {
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        Self.appendDecimal(status, to: &out)
        out.append(32)
        out.append(contentsOf: HTTPStatus.reasonPhrase(status).utf8)
        out.append(contentsOf: "\r\n".utf8)
        out.append(contentsOf: dateLine)
        for field in headers.fields {
            if HTTPHeaders.sameName(field.name, "Content-Length") || HTTPHeaders.sameName(field.name, "Connection")
                || HTTPHeaders.sameName(field.name, "Transfer-Encoding") { continue }
            if !dateLine.isEmpty, HTTPHeaders.sameName(field.name, "Date") { continue }
            Self.appendFieldText(field.name, to: &out)
            out.append(contentsOf: ": ".utf8)
            Self.appendFieldText(field.value, to: &out)
            out.append(contentsOf: "\r\n".utf8)
        }
        let hasBody = !HTTPStatus.forbidsBody(status)
        if hasBody {
            out.append(contentsOf: "Content-Length: ".utf8)
            Self.appendDecimal(body.count, to: &out)
            out.append(contentsOf: "\r\n".utf8)
        }
        if close {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if keepAliveHeader {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        if hasBody && !headOnly { out.append(contentsOf: body) }
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 {
            out.append(45)
            appendDecimal(-value, to: &out)
            return
        }
        if value >= 10 { appendDecimal(value / 10, to: &out) }
        out.append(UInt8(48 + value % 10))
    }

    /// Header text with CR and LF replaced by spaces so that no handler can split the response.
    private static func appendFieldText(_ text: String, to out: inout [UInt8]) {
        for b in text.utf8 { out.append(b == 13 || b == 10 ? 32 : b) }
    }
}
