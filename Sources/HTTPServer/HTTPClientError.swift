/// Why `HTTPClient.send` failed, with the URL and the step that failed.
package struct HTTPClientError: Error, CustomStringConvertible, Sendable, Equatable {
    package enum Kind: String, Sendable {
        case invalidURL, resolve, connect, timeout, io, malformedResponse
    }

    package var kind: Kind
    package var url: String
    /// A sentence such as `connect to 127.0.0.1:1: Connection refused`.
    package var message: String

    package init(kind: Kind, url: String, message: String) {
        self.kind = kind
        self.url = url
        self.message = message
    }

    package var description: String { "\(url): \(message)" }
}
