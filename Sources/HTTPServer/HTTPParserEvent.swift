/// What `HTTPRequestParser.feed` found in the bytes it was given, in arrival order.
package enum HTTPParserEvent: Sendable, Equatable {
    /// A head was parsed and its body (if any) not yet read; only with `reportsHeads`. The callback may
    /// answer `.stop` to refuse the request before its body is buffered.
    case head(HTTPRequestHead)
    /// A complete request with its whole body.
    case request(HTTPRequest, HTTPRequestFraming)
    /// The client sent `Expect: 100-continue` and waits: answer `HTTP/1.1 100 Continue` now.
    case sendContinue
    /// The request is refused; answer `error.status` and close. The parser ignores all later bytes.
    case error(HTTPParseError)
}

/// How the connection continues after a request.
package struct HTTPRequestFraming: Sendable, Equatable {
    /// False: answer with `Connection: close` and close. The parser ignores all later bytes.
    package var keepAlive: Bool
    /// An HTTP/1.0 request: a kept-alive response must say `Connection: keep-alive`.
    package var isHTTP10: Bool

    package init(keepAlive: Bool, isHTTP10: Bool) {
        self.keepAlive = keepAlive
        self.isHTTP10 = isHTTP10
    }
}

/// What the parser does after an event (the answer of a `feed(_:steering:)` callback).
package enum HTTPParserAction: Sendable, Equatable {
    /// Go on parsing.
    case proceed
    /// After a request: keep the unparsed bytes until `resume(steering:)`. Treated as `.proceed` elsewhere.
    case pause
    /// Ignore every later byte (as after an error).
    case stop
}
