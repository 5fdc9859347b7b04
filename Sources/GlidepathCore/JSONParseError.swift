/// Malformed JSON: where the parser stopped and what it expected there.
///
/// `description` reads `line 3, column 14: expected ',' or '}' after an object member`.
package struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    package var position: JSONPosition
    package var message: String

    package init(position: JSONPosition, message: String) {
        self.position = position
        self.message = message
    }

    package var line: Int { position.line }
    package var column: Int { position.column }
    package var description: String { "\(position): \(message)" }
}
