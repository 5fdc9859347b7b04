/// One `"key": value` pair of a JSON object, in source order.
package struct JSONMember: Hashable, Sendable {
    package var key: String
    /// Where the key's opening quote is (unknown-key and duplicate-key errors point here).
    package var keyPosition: JSONPosition
    package var value: JSONValue

    package init(key: String, keyPosition: JSONPosition, value: JSONValue) {
        self.key = key
        self.keyPosition = keyPosition
        self.value = value
    }
}
