/// A text-format error with its 1-based line.
package struct PromTextError: Error, Hashable, Sendable, CustomStringConvertible {
    package var line: Int
    package var message: String
    package init(line: Int, message: String) { self.line = line; self.message = message }
    package var description: String { "line \(line): \(message)" }
}
