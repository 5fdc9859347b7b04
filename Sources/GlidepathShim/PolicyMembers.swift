import Foundation

/// The weights document's policy members, `errorStatuses` and `breaker`, decoded apart from the rest:
/// a missing member (an older controller) is nil, a malformed one is a `problem` naming it, which makes
/// the whole document invalid. Unknown members, and unknown members inside `breaker`, are ignored.
struct PolicyMembers: Decodable {
    var errorStatuses: GlidepathShim.ErrorStatuses?
    var breaker: GlidepathShim.BreakerSettings?
    var problem: String?

    private enum Key: String, CodingKey { case errorStatuses, breaker }
    private enum BreakerKey: String, CodingKey { case consecutiveErrors, openSeconds }

    /// One JSON value where a number or a string is expected; anything else (booleans included) is `.other`.
    private enum Element: Decodable {
        case number(Int)
        case text(String)
        case other

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if (try? c.decode(Bool.self)) != nil {
                self = .other
            } else if let n = try? c.decode(Int.self) {
                self = .number(n)
            } else if let s = try? c.decode(String.self) {
                self = .text(s)
            } else {
                self = .other
            }
        }
    }

    private struct Problem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        do {
            errorStatuses = try Self.statuses(c)
            breaker = try Self.breaker(c)
        } catch {
            problem = error.message
        }
    }

    private static func statuses(_ c: KeyedDecodingContainer<Key>) throws(Problem) -> GlidepathShim.ErrorStatuses? {
        guard c.contains(.errorStatuses) else { return nil }
        guard let elements = try? c.decode([Element].self, forKey: .errorStatuses) else {
            throw Problem(#"errorStatuses must be an array of statuses (0 or 100...599) and classes ("1xx"..."5xx")"#)
        }
        guard !elements.isEmpty else { throw Problem("errorStatuses is empty: it must list at least one status or class") }
        var patterns: [GlidepathShim.ErrorStatuses.Pattern] = []
        for (i, element) in elements.enumerated() {
            switch element {
            case .number(let s) where s == 0 || (100...599).contains(s):
                patterns.append(.status(s))
            case .number(let s):
                throw Problem("errorStatuses[\(i)] is \(s): a status is 0 or 100...599")
            case .text(let t):
                let u = Array(t.utf8)
                if u.count == 3, (UInt8(ascii: "1")...UInt8(ascii: "5")).contains(u[0]), u[1] == UInt8(ascii: "x"), u[2] == UInt8(ascii: "x") {
                    patterns.append(.statusClass(Int(u[0] - UInt8(ascii: "0"))))
                } else {
                    var hint = #": a class is "1xx"..."5xx" (lower-case x)"#
                    if let n = Int(t) { hint = ": write a status as a number, \(n)" }
                    throw Problem("errorStatuses[\(i)] is \(quoted(t))" + hint)
                }
            case .other:
                throw Problem("errorStatuses[\(i)] is neither a status number nor a class string")
            }
        }
        return GlidepathShim.ErrorStatuses(patterns)
    }

    private static func breaker(_ c: KeyedDecodingContainer<Key>) throws(Problem) -> GlidepathShim.BreakerSettings? {
        guard c.contains(.breaker) else { return nil }
        guard let b = try? c.nestedContainer(keyedBy: BreakerKey.self, forKey: .breaker) else {
            throw Problem(#"breaker must be an object {"consecutiveErrors": 1...1000, "openSeconds": 1...3600}"#)
        }
        let n = try integer(b, .consecutiveErrors, 1...1000)
        let s = try integer(b, .openSeconds, 1...3600)
        return GlidepathShim.BreakerSettings(consecutiveErrors: n, openSeconds: Double(s))
    }

    private static func integer(_ b: KeyedDecodingContainer<BreakerKey>, _ key: BreakerKey, _ range: ClosedRange<Int>)
        throws(Problem) -> Int {
        let path = "breaker." + key.rawValue
        guard b.contains(key) else { throw Problem("\(path) is missing (an integer \(range))") }
        guard case .number(let n)? = try? b.decode(Element.self, forKey: key) else {
            throw Problem("\(path) must be an integer \(range)")
        }
        guard range.contains(n) else { throw Problem("\(path) is \(n), not within \(range)") }
        return n
    }

    private static func quoted(_ s: String) -> String {
        "\"" + s.prefix(40).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
