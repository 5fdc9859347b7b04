/// Why `HTTPClient.send` failed, with the URL and the step that failed.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case invalidURL, resolve, connect, timeout, io, malformedResponse
    }

    public var kind: Kind
    public var url: String
    /// A sentence such as `connect to 127.0.0.1:1: Connection refused`.
    public var message: String

    public init(kind: Kind, url: String, message: String) {
        self.kind = kind
        self.url = url
        self.message = message
    }

    public var description: String { "\(url): \(message)" }
}
