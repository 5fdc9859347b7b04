/// JSON paths as policy problems spell them: `steps[2].weight`, `guards.errors.maxRatio`;
/// the root is the empty string. A key that is not a plain identifier is written `["odd key"]`.
extension PolicyParser {
    /// The path of `key` inside the object at `parent`.
    public static func path(_ parent: String, key: String) -> String {
        guard isIdentifier(key) else { return parent + "[" + jsonQuoted(key) + "]" }
        return parent.isEmpty ? key : parent + "." + key
    }

    /// The path of element `index` of the array at `parent`.
    public static func path(_ parent: String, index: Int) -> String { "\(parent)[\(index)]" }

    static func isIdentifier(_ key: String) -> Bool {
        func isLetter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) || s == "_" }
        guard let first = key.unicodeScalars.first, isLetter(first) else { return false }
        return key.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }

    /// A JSON object inside a policy, with its path, for the parser's lookups.
    struct ObjectView {
        var path: String
        var position: JSONPosition
        var members: [JSONMember]

        subscript(key: String) -> JSONValue? { members.first(where: { $0.key == key })?.value }

        /// The JSON path of one of this object's keys.
        func path(_ key: String) -> String { PolicyParser.path(path, key: key) }
    }
}
