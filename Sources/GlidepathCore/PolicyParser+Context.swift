extension PolicyParser {
    /// Collects problems while walking a policy's JSON; every reader reports what is wrong and
    /// returns nil, so the walk goes on and finds every problem, not just the first.
    ///
    /// Past `PolicyError.maxListed` problems are only counted: their path and message (and the
    /// did-you-mean search behind an unknown key's message) are never built.
    struct Context {
        var problems: [PolicyProblem] = []
        /// Problems found past `PolicyError.maxListed`.
        var moreProblems = 0
        /// Checks `schedule.timezone`; nil: only the name's spelling is checked.
        var zones: (any TimeZoneResolver)?

        mutating func report(_ path: @autoclosure () -> String, _ message: @autoclosure () -> String,
                             at position: JSONPosition?) {
            guard problems.count < PolicyError.maxListed else {
                moreProblems += 1
                return
            }
            problems.append(PolicyProblem(path: path(), message: message(), line: position?.line))
        }

        /// `value` as an object whose keys are all in `keys` (unknown ones are reported, with a
        /// did-you-mean when one is close).
        mutating func object(_ value: JSONValue, path: String, keys: [String]) -> ObjectView? {
            guard let members = value.members else {
                report(path, "expected an object, found \(value.typeName)", at: value.position)
                return nil
            }
            for member in members where !keys.contains(member.key) {
                report(PolicyParser.path(path, key: member.key), Self.unknownKey(member.key, among: keys),
                       at: member.keyPosition)
            }
            return ObjectView(path: path, position: value.position, members: members)
        }

        /// `unknown key "x"; did you mean "y"?` (or the list of known keys when none is close).
        static func unknownKey(_ key: String, among keys: [String]) -> String {
            let hint = DidYouMean.suggestion(for: key, among: keys).map { "did you mean \(jsonQuoted($0))?" }
                ?? "expected one of \(keys.map(jsonQuoted).joined(separator: ", "))"
            return "unknown key \(jsonQuoted(key)); \(hint)"
        }

        /// The value of a required key; reports it when missing. `null` comes back as itself so
        /// the type check reports it.
        mutating func required(_ object: ObjectView, _ key: String) -> JSONValue? {
            guard let value = object[key] else {
                report(object.path(key), "missing required key \(jsonQuoted(key))", at: object.position)
                return nil
            }
            return value
        }

        /// The value of an optional key; absent and `null` both mean "use the default".
        func optional(_ object: ObjectView, _ key: String) -> JSONValue? {
            guard let value = object[key], !value.isNull else { return nil }
            return value
        }

        mutating func string(_ value: JSONValue, path: String) -> String? {
            guard let s = value.stringValue else {
                report(path, "expected a string, found \(value.typeName)", at: value.position)
                return nil
            }
            return s
        }

        /// A duration string (`"30s"`), at least `minimum` when one is given and at most `maximum`
        /// (366 days unless the field has a tighter bound).
        mutating func duration(_ value: JSONValue, path: String, minimum: TimeSpan? = nil,
                               maximum: TimeSpan = TimeSpan.maximum) -> TimeSpan? {
            guard let text = value.stringValue else {
                report(path, "expected a duration string like \"30s\", found \(value.typeName)", at: value.position)
                return nil
            }
            let span: TimeSpan
            do {
                span = try TimeSpan(parsing: text)
            } catch {
                report(path, error.message, at: value.position)
                return nil
            }
            if let minimum, span < minimum {
                report(path, "must be at least \(minimum), found \(span)", at: value.position)
                return nil
            }
            if span > maximum {
                report(path, "must be at most \(maximum), found \(jsonQuoted(text))", at: value.position)
                return nil
            }
            return span
        }

        /// A finite number, with its source text (for messages and exact decimal checks).
        mutating func number(_ value: JSONValue, path: String) -> (value: Double, text: String)? {
            guard let text = value.numberText, let d = value.doubleValue else {
                report(path, "expected a number, found \(value.typeName)", at: value.position)
                return nil
            }
            guard d.isFinite else {
                report(path, "is out of range, found \(text)", at: value.position)
                return nil
            }
            return (d, text)
        }

        /// A number for which `isValid` holds; otherwise reports `must be <rule>, found <text>`.
        mutating func number(_ value: JSONValue, path: String, must rule: String,
                             _ isValid: (Double) -> Bool) -> Double? {
            guard let (d, text) = number(value, path: path) else { return nil }
            guard isValid(d) else {
                report(path, "must be \(rule), found \(text)", at: value.position)
                return nil
            }
            return d
        }

        /// A number written as an integer (no fraction or exponent), at least `minimum`.
        mutating func integer(_ value: JSONValue, path: String, minimum: Int) -> Int? {
            guard let text = value.numberText else {
                report(path, "expected an integer, found \(value.typeName)", at: value.position)
                return nil
            }
            guard let n = value.integerValue else {
                let looksIntegral = !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
                report(path, looksIntegral ? "is out of range, found \(text)" : "expected an integer, found \(text)",
                       at: value.position)
                return nil
            }
            guard n >= minimum else {
                report(path, "must be at least \(minimum), found \(text)", at: value.position)
                return nil
            }
            return n
        }

        /// A string that is one of `choices`.
        mutating func choice(_ value: JSONValue, path: String, among choices: [String]) -> String? {
            guard let s = string(value, path: path) else { return nil }
            guard choices.contains(s) else {
                let allowed = choices.count == 1
                    ? jsonQuoted(choices[0]) : "one of " + choices.map(jsonQuoted).joined(separator: ", ")
                report(path, "must be \(allowed), found \(jsonQuoted(s))", at: value.position)
                return nil
            }
            return s
        }
    }
}

/// The optional fields of one policy object: an absent field leaves its default, a valid one is applied,
/// and an invalid one (its problem already reported) makes the object invalid.
struct OptionalFields {
    var ok = true

    /// `read` is nil for an absent field, `.some(nil)` for an invalid one.
    mutating func take<T>(_ read: T??, _ apply: (T) -> Void) {
        switch read {
        case .none: break
        case .some(.none): ok = false
        case .some(.some(let v)): apply(v)
        }
    }
}
