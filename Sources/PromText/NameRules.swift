/// The character rules of metric and label names, shared by the registry and the parser.
enum NameRules {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func isValidMetricName<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        guard let first = bytes.first, isLetterOrUnderscore(first) || first == UInt8(ascii: ":") else { return false }
        return bytes.allSatisfy { isLetterOrUnderscore($0) || isDigit($0) || $0 == UInt8(ascii: ":") }
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    static func isValidLabelName<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        guard let first = bytes.first, isLetterOrUnderscore(first) else { return false }
        return bytes.allSatisfy { isLetterOrUnderscore($0) || isDigit($0) }
    }

    static func isValidMetricName(_ name: String) -> Bool { isValidMetricName(name.utf8) }
    static func isValidLabelName(_ name: String) -> Bool { isValidLabelName(name.utf8) }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    @inline(__always) static func isLetterOrUnderscore(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || b == UInt8(ascii: "_")
    }
}
