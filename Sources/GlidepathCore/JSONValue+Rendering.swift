extension JSONValue {
    /// JSON text for this value: compact (`{"a":1}`), or with two-space indentation and
    /// `"key": value` members when `pretty`. Members keep their order; numbers keep their text.
    package func rendered(pretty: Bool = false) -> String {
        var out = ""
        render(into: &out, pretty: pretty, indent: 0)
        return out
    }

    func render(into out: inout String, pretty: Bool, indent: Int) {
        switch kind {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let text): out += text
        case .string(let s): out += jsonQuoted(s)
        case .array(let elements):
            renderContainer(into: &out, open: "[", close: "]", count: elements.count, pretty: pretty, indent: indent) { i, out in
                elements[i].render(into: &out, pretty: pretty, indent: indent + 1)
            }
        case .object(let members):
            renderContainer(into: &out, open: "{", close: "}", count: members.count, pretty: pretty, indent: indent) { i, out in
                out += jsonQuoted(members[i].key) + (pretty ? ": " : ":")
                members[i].value.render(into: &out, pretty: pretty, indent: indent + 1)
            }
        }
    }

    private func renderContainer(into out: inout String, open: String, close: String, count: Int, pretty: Bool,
                                 indent: Int, element: (Int, inout String) -> Void) {
        out += open
        if count == 0 { out += close; return }
        let inner = pretty ? "\n" + String(repeating: "  ", count: indent + 1) : ""
        for i in 0..<count {
            out += (i == 0 ? "" : ",") + inner
            element(i, &out)
        }
        out += (pretty ? "\n" + String(repeating: "  ", count: indent) : "") + close
    }
}

extension JSONValue {
    /// Builders for rendering; positions are meaningless for built values and left at 1:1.
    package static func string(_ s: String) -> JSONValue { JSONValue(.string(s)) }
    package static func integer(_ n: Int) -> JSONValue { JSONValue(.number(String(n))) }

    /// A finite `Double` as a JSON number (`2`, `1.5`, `0.99`, `1e-05`).
    package static func number(_ d: Double) -> JSONValue {
        precondition(d.isFinite, "JSON has no NaN or infinity")
        if d == d.rounded(), abs(d) < 1e15 { return JSONValue(.number(String(Int64(d)))) }
        return JSONValue(.number(d.description))
    }

    package static func object(_ pairs: [(String, JSONValue)]) -> JSONValue {
        JSONValue(.object(pairs.map { JSONMember(key: $0.0, keyPosition: JSONPosition(line: 1, column: 1), value: $0.1) }))
    }

    package static func array(_ elements: [JSONValue]) -> JSONValue { JSONValue(.array(elements)) }
}
