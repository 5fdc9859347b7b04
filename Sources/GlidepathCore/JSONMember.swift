/// One `"key": value` pair of a JSON object, in source order.
public struct JSONMember: Hashable, Sendable {
    public var key: String
    /// Where the key's opening quote is (unknown-key and duplicate-key errors point here).
    public var keyPosition: JSONPosition
    public var value: JSONValue

    public init(key: String, keyPosition: JSONPosition, value: JSONValue) {
        self.key = key
        self.keyPosition = keyPosition
        self.value = value
    }
}
