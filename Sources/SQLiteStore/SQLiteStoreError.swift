/// A stored row the store cannot turn back into values (written by hand, or by another program).
public struct SQLiteStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public var table: String
    public var key: String
    public var message: String

    public init(table: String, key: String, message: String) {
        self.table = table
        self.key = key
        self.message = message
    }

    public var description: String { "corrupt row in \(table) (\(key)): \(message)" }
}
