/// Header fields in arrival order; look-ups ignore case.
public struct HTTPHeaders: Sendable, Sequence {
    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    /// The first value of `name` (case-insensitive), if any.
    public subscript(name: String) -> String? {
        for f in fields where f.name.utf8.count == name.utf8.count && f.name.lowercased() == name.lowercased() {
            return f.value
        }
        return nil
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}
