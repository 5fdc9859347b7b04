/// A value to bind to a statement parameter.
package enum SQLiteValue: Hashable, Sendable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null

    package static func int(_ value: Int) -> SQLiteValue { .integer(Int64(value)) }
}
