/// Where something starts in JSON source text.
///
/// Both numbers are 1-based; columns count Unicode scalars, not bytes, so they match what an
/// editor shows for non-ASCII text.
package struct JSONPosition: Hashable, Sendable, CustomStringConvertible {
    package var line: Int
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    package var description: String { "line \(line), column \(column)" }
}
