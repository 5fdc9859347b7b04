/// Malformed JSON: where the parser stopped and what it expected there.
///
/// `description` reads `line 3, column 14: expected ',' or '}' after an object member`.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public var position: JSONPosition
    public var message: String

    public init(position: JSONPosition, message: String) {
        self.position = position
        self.message = message
    }

    public var line: Int { position.line }
    public var column: Int { position.column }
    public var description: String { "\(position): \(message)" }
}
