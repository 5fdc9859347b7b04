import Glibc

/// A failed system call of the server or client socket layer: what was being done and why it failed.
package struct HTTPServerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was attempted, e.g. `bind 127.0.0.1:8470`.
    package var operation: String
    /// The errno value, when the failure came from a system call.
    package var code: Int32?
    /// The system's explanation (`Address already in use`).
    package var reason: String

    package init(operation: String, code: Int32?, reason: String) {
        self.operation = operation
        self.code = code
        self.reason = reason
    }

    /// An error from the current `errno`.
    static func errno(_ operation: String, _ code: Int32 = Glibc.errno) -> HTTPServerError {
        HTTPServerError(operation: operation, code: code, reason: String(cString: strerror(code)))
    }

    package var description: String {
        if let code { return "\(operation): \(reason) (errno \(code))" }
        return "\(operation): \(reason)"
    }
}
