import JSONText

/// Writes the store's JSON columns: what `JSONEncoder` with `.sortedKeys` and the Prometheus spelling of
/// non-finite numbers writes, byte for byte (`StoreJSONEncoderTests` compares them), about ten times
/// faster. A judge state is ~6 KB of numbers written every tick of every live migration; Foundation's
/// encoder spent half a control round (1,000 migrations) on it.
///
/// The value is built into a small tree (`StoreJSONNode`) because Codable may fill a container after its
/// siblings, then written out with object keys sorted by their UTF-8 bytes. Numbers are written as Swift
/// prints them (the shortest text that reads back as the same `Double`), with a trailing `.0` removed;
/// NaN and ±Inf as the strings `"NaN"`, `"+Inf"`, `"-Inf"`.
package struct StoreJSONEncoder {
    package init() {}

    package func encode<T: Encodable>(_ value: T) throws -> String {
        var out = ""
        out.reserveCapacity(1024)
        try StoreJSONNode.render(value, path: []).write(into: &out)
        return out
    }
}

/// One encoded value: already-written text for a scalar, or a container still being filled.
enum StoreJSONChild {
    case text(String)
    case node(StoreJSONNode)

    func write(into out: inout String) {
        switch self {
        case .text(let t): out += t
        case .node(let n): n.write(into: &out)
        }
    }
}

/// A container (or a single value written through a container) of the tree `StoreJSONEncoder` builds.
final class StoreJSONNode {
    enum Shape { case unset, scalar, array, object }

    private(set) var shape = Shape.unset
    private var scalar = ""
    private var items: [StoreJSONChild] = []
    /// In the order encoded; sorted (the last of equal keys kept, as Foundation does) when written.
    private var members: [(key: String, child: StoreJSONChild)] = []

    func becomeObject() { if shape == .unset { shape = .object } }
    func becomeArray() { if shape == .unset { shape = .array } }

    func set(_ child: StoreJSONChild) {
        switch child {
        case .text(let t): shape = .scalar; scalar = t
        case .node(let n): shape = n.shape; scalar = n.scalar; items = n.items; members = n.members
        }
    }

    func append(_ child: StoreJSONChild) { items.append(child) }
    func set(_ child: StoreJSONChild, forKey key: String) { members.append((key, child)) }
    var count: Int { items.count }

    func write(into out: inout String) {
        switch shape {
        case .scalar: out += scalar
        case .unset: out += "{}"
        case .array:
            out += "["
            for i in items.indices {
                if i > 0 { out += "," }
                items[i].write(into: &out)
            }
            out += "]"
        case .object:
            out += "{"
            // Stable: among equal keys the last encoded stays last, and only it is written.
            let order = members.indices.sorted {
                let a = members[$0].key.utf8, b = members[$1].key.utf8
                return a.lexicographicallyPrecedes(b) || (!b.lexicographicallyPrecedes(a) && $0 < $1)
            }
            var first = true
            for (n, i) in order.enumerated() {
                if n + 1 < order.count, members[order[n + 1]].key == members[i].key { continue }
                if !first { out += "," }
                first = false
                Self.appendString(members[i].key, to: &out)
                out += ":"
                members[i].child.write(into: &out)
            }
            out += "}"
        }
    }

    // MARK: Scalars

    /// The encoded form of `value`: scalars and arrays of numbers straight to text (compared by type, not
    /// cast: this runs for every number of a judge state), anything else through its `encode(to:)`.
    static func render<T: Encodable>(_ value: T, path: @autoclosure () -> [any CodingKey]) throws -> StoreJSONChild {
        if T.self == Double.self { return .text(number(unsafeBitCast(value, to: Double.self))) }
        if T.self == UInt64.self { return .text(String(unsafeBitCast(value, to: UInt64.self))) }
        if T.self == Int.self { return .text(String(unsafeBitCast(value, to: Int.self))) }
        if T.self == Int64.self { return .text(String(unsafeBitCast(value, to: Int64.self))) }
        if T.self == [Double].self { return .text(array(unsafeBitCast(value, to: [Double].self), number)) }
        if T.self == [UInt64].self { return .text(array(unsafeBitCast(value, to: [UInt64].self)) { String($0) }) }
        switch value {
        case let v as String: return .text(string(v))
        case let v as Bool: return .text(v ? "true" : "false")
        case let v as Float: return .text(number(v))
        case let v as any FixedWidthInteger: return .text(String(describing: v))
        default:
            let node = StoreJSONNode()
            try value.encode(to: StoreJSONNodeEncoder(node: node, codingPath: path()))
            return .node(node)
        }
    }

    private static func array<E>(_ values: [E], _ text: (E) -> String) -> String {
        var out = "["
        for (i, v) in values.enumerated() {
            if i > 0 { out += "," }
            out += text(v)
        }
        return out + "]"
    }

    /// A number as Foundation writes it: Swift's shortest round-trip text less a trailing `.0`.
    static func number<F: BinaryFloatingPoint & CustomStringConvertible>(_ v: F) -> String {
        if v.isNaN { return "\"NaN\"" }
        if v.isInfinite { return v > 0 ? "\"+Inf\"" : "\"-Inf\"" }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        if v == v.rounded(.towardZero), abs(v) < 1e9 { return String(Int64(v)) }  // "N.0" less its ".0"
        var text = v.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    static func string(_ s: String) -> String {
        var out = ""
        appendString(s, to: &out)
        return out
    }

    /// A JSON string literal, escaped as Foundation escapes it (`/` too).
    static func appendString(_ s: String, to out: inout String) {
        appendJSONQuoted(s, to: &out, style: .foundation)
    }
}
