/// JSON paths as policy problems spell them: `steps[2].weight`, `guards.errors.maxRatio`;
/// the root is the empty string. A key that is not a plain identifier is written `["odd key"]`.
extension PolicyParser {
    /// The path of `key` inside the object at `parent`.
    package static func path(_ parent: String, key: String) -> String {
        guard isIdentifier(key) else { return parent + "[" + jsonQuoted(key) + "]" }
        return parent.isEmpty ? key : parent + "." + key
    }

    /// The path of element `index` of the array at `parent`.
    package static func path(_ parent: String, index: Int) -> String { "\(parent)[\(index)]" }

    static func isIdentifier(_ key: String) -> Bool {
        func isLetter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) || s == "_" }
        guard let first = key.unicodeScalars.first, isLetter(first) else { return false }
        return key.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }

    /// A JSON object inside a policy, with its path, for the parser's lookups (by key, so an object
    /// with thousands of unknown keys costs one pass, not one per known key).
    struct ObjectView {
        var path: String
        var position: JSONPosition
        private var values: [String: JSONValue]

        /// `members` have distinct keys (the JSON parser refuses duplicates).
        init(path: String, position: JSONPosition, members: [JSONMember]) {
            self.path = path
            self.position = position
            values = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        }

        subscript(key: String) -> JSONValue? { values[key] }

        /// The JSON path of one of this object's keys.
        func path(_ key: String) -> String { PolicyParser.path(path, key: key) }
    }
}
