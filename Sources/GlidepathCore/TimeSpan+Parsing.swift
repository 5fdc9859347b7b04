/// A duration string that does not parse, with the reason.
public struct TimeSpanError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var message: String
    public init(text: String, message: String) { self.text = text; self.message = message }
    public var description: String { message }
}

extension TimeSpan {
    /// Parses `500ms`, `30s`, `10m`, `6h`, `1d` (and combinations such as `1h30m`).
    public init(parsing text: String) throws(TimeSpanError) {
        fatalError("TODO")
    }
}

extension TimeSpan {
    /// The shortest policy spelling: `500ms`, `30s`, `10m`, `1h30m`, `1d`.
    public var description: String { fatalError("TODO") }
}
