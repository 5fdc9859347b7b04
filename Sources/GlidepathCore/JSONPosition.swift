/// Where something starts in JSON source text.
///
/// Both numbers are 1-based; columns count Unicode scalars, not bytes, so they match what an
/// editor shows for non-ASCII text.
public struct JSONPosition: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}
