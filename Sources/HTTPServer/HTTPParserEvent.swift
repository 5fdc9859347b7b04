/// What `HTTPRequestParser.feed` found in the bytes it was given, in arrival order.
public enum HTTPParserEvent: Sendable, Equatable {
    /// A complete request with its whole body.
    case request(HTTPRequest, HTTPRequestFraming)
    /// The client sent `Expect: 100-continue` and waits: answer `HTTP/1.1 100 Continue` now.
    case sendContinue
    /// The request is refused; answer `error.status` and close. The parser ignores all later bytes.
    case error(HTTPParseError)
}

/// How the connection continues after a request.
public struct HTTPRequestFraming: Sendable, Equatable {
    /// False: answer with `Connection: close` and close. The parser ignores all later bytes.
    public var keepAlive: Bool
    /// An HTTP/1.0 request: a kept-alive response must say `Connection: keep-alive`.
    public var isHTTP10: Bool

    public init(keepAlive: Bool, isHTTP10: Bool) {
        self.keepAlive = keepAlive
        self.isHTTP10 = isHTTP10
    }
}
