/// Why a request was refused: the status to answer and a sentence saying what was wrong.
///
/// The connection is always closed after the error response: the parser cannot know where the
/// next request would start.
package struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    package var status: Int
    package var message: String

    package init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    package var description: String { "\(status) \(message)" }

    static let malformedRequestLine = HTTPParseError(status: 400, message: "malformed request line")
    static let malformedHeader = HTTPParseError(status: 400, message: "malformed header field")
    static let invalidHeaderValue = HTTPParseError(status: 400, message: "invalid character in header value")
    static let invalidContentLength = HTTPParseError(status: 400, message: "invalid Content-Length")
    static let conflictingContentLength = HTTPParseError(status: 400, message: "conflicting Content-Length headers")
    static let invalidPercentEncoding = HTTPParseError(status: 400, message: "invalid percent-encoding in request target")
    static let bothLengths = HTTPParseError(
        status: 400, message: "both Content-Length and Transfer-Encoding: send one")
    static let transferEncodingHTTP10 = HTTPParseError(
        status: 400, message: "Transfer-Encoding in an HTTP/1.0 request")
    static let chunkedNotFinal = HTTPParseError(
        status: 400, message: "Transfer-Encoding must end with chunked")
    static let missingHost = HTTPParseError(status: 400, message: "an HTTP/1.1 request needs a Host header")
    static let duplicateHost = HTTPParseError(status: 400, message: "more than one Host header")
    static let duplicateAuthorization = HTTPParseError(status: 400, message: "more than one Authorization header")
    static let busy = HTTPParseError(status: 503, message: "the server is busy; retry shortly")
    static let bodiesOverBudget = HTTPParseError(
        status: 503, message: "the server is receiving too many request bodies; retry shortly")
    static let timeout = HTTPParseError(status: 408, message: "request not completed in time")

    static func headerTooLarge(limit: Int) -> HTTPParseError {
        HTTPParseError(status: 431, message: "request header fields too large (limit \(limit) bytes)")
    }

    static func bodyTooLarge(limit: Int) -> HTTPParseError {
        HTTPParseError(status: 413, message: "request body too large (limit \(limit) bytes)")
    }

    static func unsupportedVersion(_ version: String) -> HTTPParseError {
        HTTPParseError(status: 505, message: "unsupported HTTP version \(version)")
    }

    static func unsupportedTransferCoding(_ value: String) -> HTTPParseError {
        HTTPParseError(status: 501, message: "unsupported Transfer-Encoding \(value); send chunked or Content-Length")
    }

    static func malformedChunk(_ what: String) -> HTTPParseError {
        HTTPParseError(status: 400, message: "malformed chunked body: \(what)")
    }

    static func unsupportedExpect(_ value: String) -> HTTPParseError {
        HTTPParseError(status: 417, message: "unsupported Expect: \(value)")
    }
}
