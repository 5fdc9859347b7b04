import GlidepathCore
/// A JSON value that renders with keys in the order given, so responses are byte-for-byte stable
/// (tests and ETag'd documents compare exact bytes).
package indirect enum JSON: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])
    /// Already-rendered JSON text (weights as `Weight.description`, for example).
    case raw(String)

    package static func == (a: JSON, b: JSON) -> Bool { a.rendered == b.rendered }

    /// Convenience for optional strings.
    package static func optional(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }

    /// The compact JSON text.
    package var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    package func render(into out: inout String) {
        switch self {
        case .string(let s): appendJSONQuoted(s, to: &out)
        case .int(let i): out += String(i)
        case .number(let d): out += JSON.format(d)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .raw(let r): out += r
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.render(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                appendJSONQuoted(key, to: &out)
                out += ":"
                value.render(into: &out)
            }
            out += "}"
        }
    }

    /// A double as JSON: integral values without `.0`, non-finite values as `null` (JSON has no NaN).
    package static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }
}
