import GlidepathCore
import JSONText

/// Collects the problems of a traffic profile while walking its JSON, the way the policy parser does:
/// each problem has its JSON path (`changes[1].latencyMs.p99`; the root is `""`), a message, and the line
/// of the offending value (for an unknown key, the key, with a did-you-mean when one is close; for a
/// missing key, the object that lacks it). Every reader reports and returns nil, so the walk goes on.
struct ProfileContext {
    var problems = PolicyError(problems: [])

    mutating func report(_ path: String, _ message: @autoclosure () -> String, at position: JSONPosition?) {
        problems.append(PolicyProblem(path: path, message: message(), line: position?.line))
    }

    /// A JSON object inside the profile, looked up by key.
    struct Object {
        var path: String
        var position: JSONPosition
        var values: [String: JSONValue]

        subscript(key: String) -> JSONValue? { values[key] }
        func path(_ key: String) -> String { PolicyParser.path(path, key: key) }
    }

    /// `value` as an object whose keys are all in `keys` (unknown ones are reported with a did-you-mean).
    mutating func object(_ value: JSONValue, path: String, keys: [String]) -> Object? {
        guard let members = value.members else {
            report(path, "expected an object, found \(value.typeName)", at: value.position)
            return nil
        }
        for member in members where !keys.contains(member.key) {
            let hint = DidYouMean.suggestion(for: member.key, among: keys).map { "did you mean \(jsonQuoted($0))?" }
                ?? "expected one of \(keys.map(jsonQuoted).joined(separator: ", "))"
            report(PolicyParser.path(path, key: member.key), "unknown key \(jsonQuoted(member.key)); \(hint)",
                   at: member.keyPosition)
        }
        return Object(path: path, position: value.position,
                      values: Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The value of a required key; reports it when missing.
    mutating func required(_ object: Object, _ key: String) -> JSONValue? {
        guard let value = object[key] else {
            report(object.path(key), "missing required key \(jsonQuoted(key))", at: object.position)
            return nil
        }
        return value
    }

    /// The value of an optional key; absent and `null` both mean "not given".
    func optional(_ object: Object, _ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    /// A finite number for which `isValid` holds; otherwise reports `must be <rule>, found <text>`.
    mutating func number(_ value: JSONValue, path: String, must rule: String, _ isValid: (Double) -> Bool) -> Double? {
        guard let text = value.numberText, let d = value.doubleValue else {
            report(path, "expected a number, found \(value.typeName)", at: value.position)
            return nil
        }
        guard d.isFinite, isValid(d) else {
            report(path, "must be \(rule), found \(text)", at: value.position)
            return nil
        }
        return d
    }

    /// A string that is one of `choices` (a did-you-mean when one is close).
    mutating func choice(_ value: JSONValue, path: String, among choices: [String]) -> String? {
        guard let s = value.stringValue else {
            report(path, "expected a string, found \(value.typeName)", at: value.position)
            return nil
        }
        guard choices.contains(s) else {
            let hint = DidYouMean.suggestion(for: s, among: choices).map { "; did you mean \(jsonQuoted($0))?" } ?? ""
            report(path, "must be one of \(choices.map(jsonQuoted).joined(separator: ", ")), found \(jsonQuoted(s))\(hint)",
                   at: value.position)
            return nil
        }
        return s
    }
}
