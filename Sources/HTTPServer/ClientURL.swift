/// The parts of an `http://host:port/path?query` URL that the client needs.
struct ClientURL: Equatable {
    var host: String
    var port: UInt16
    /// Path and query as sent on the request line (`/metrics`).
    var target: String

    /// The `Host` header value.
    var hostHeader: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? h : "\(h):\(port)"
    }

    /// Parses `url`, or returns an `.invalidURL` error saying what is wrong.
    static func parse(_ url: String) -> Result<ClientURL, HTTPClientError> {
        func invalid(_ why: String) -> Result<ClientURL, HTTPClientError> {
            .failure(HTTPClientError(kind: .invalidURL, url: url, message: why))
        }
        guard url.lowercased().hasPrefix("http://") else { return invalid("only http:// URLs are supported") }
        let rest = url.dropFirst(7)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty { target = "/" } else if target.first == "?" { target = "/" + target }
        var host: Substring
        var portText: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { return invalid("unterminated IPv6 address") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return invalid("malformed authority") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return invalid("missing host") }
        var port: UInt16 = 80
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber),
                  let value = UInt16(portText), value > 0
            else { return invalid("invalid port \"\(portText)\"") }
            port = value
        }
        if target.contains(" ") { return invalid("spaces must be percent-encoded") }
        return .success(ClientURL(host: String(host), port: port, target: target))
    }
}
