/// A parsed JSON value and where it starts in the source.
///
/// Objects keep their members in source order (keys are unique: the parser rejects duplicates).
/// Numbers keep their exact source text so callers can check integers and decimal places
/// without a round trip through `Double`.
package struct JSONValue: Hashable, Sendable {
    package enum Kind: Hashable, Sendable {
        case object([JSONMember])
        case array([JSONValue])
        case string(String)
        /// The number's source text; always valid JSON number grammar.
        case number(String)
        case bool(Bool)
        case null
    }

    package var kind: Kind
    package var position: JSONPosition

    package init(_ kind: Kind, at position: JSONPosition = JSONPosition(line: 1, column: 1)) {
        self.kind = kind
        self.position = position
    }

    /// The JSON type's name as error messages use it: `object`, `array`, `string`, `number`, `boolean`, `null`.
    package var typeName: String {
        switch kind {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }

    package var members: [JSONMember]? {
        if case .object(let m) = kind { return m }
        return nil
    }

    package var elements: [JSONValue]? {
        if case .array(let e) = kind { return e }
        return nil
    }

    package var stringValue: String? {
        if case .string(let s) = kind { return s }
        return nil
    }

    package var boolValue: Bool? {
        if case .bool(let b) = kind { return b }
        return nil
    }

    package var isNull: Bool { kind == .null }

    /// The number's source text, for numbers.
    package var numberText: String? {
        if case .number(let t) = kind { return t }
        return nil
    }

    /// The number as a `Double` (may be infinite for huge exponents such as `1e999`).
    ///
    /// Safe to use `Double(String)` here: the parser only lets JSON number grammar through,
    /// so hex floats, `nan` and `infinity` never reach it.
    package var doubleValue: Double? { numberText.flatMap { Double($0) } }

    /// The number as an `Int` when it is written as an integer (no fraction, no exponent) and fits.
    package var integerValue: Int? {
        guard let t = numberText, !t.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") })
        else { return nil }
        return Int(t)
    }

    /// The member named `key`, for objects.
    package subscript(key: String) -> JSONValue? {
        members?.first(where: { $0.key == key })?.value
    }
}
