/// A value to bind to a statement parameter.
public enum SQLiteValue: Hashable, Sendable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null

    public static func int(_ value: Int) -> SQLiteValue { .integer(Int64(value)) }
}
