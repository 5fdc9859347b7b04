/// A stored row the store cannot turn back into values (written by hand, or by another program).
package struct SQLiteStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    package var table: String
    package var key: String
    package var message: String

    package init(table: String, key: String, message: String) {
        self.table = table
        self.key = key
        self.message = message
    }

    package var description: String { "corrupt row in \(table) (\(key)): \(message)" }
}
