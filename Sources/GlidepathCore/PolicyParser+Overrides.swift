/// `overrides`: ordered rules forcing an arm by key, header, cookie or segment (see `OverrideRule`).
extension PolicyParser {
    package static let overrideKeys = ["keys", "attribute", "equals", "in", "arm", "evenWhenRolledBack"]
    /// At most this many rules: shims try them in order on every request.
    package static let maxOverrideRules = 32
    /// At most this many keys and segment names in all rules together.
    package static let maxOverrideValues = 1_000
    /// Every string of a rule (a key, an attribute, a value) is 1 to this many UTF-8 bytes.
    package static let maxOverrideStringBytes = 256

    /// Where a listed value or a header/cookie condition was first seen, to report duplicates.
    struct OverrideSeen {
        var keys: [String: String] = [:]
        var segments: [String: String] = [:]
        var conditions: [String: String] = [:]
        var values = 0
    }

    /// `overrides`: at most 32 rules, each `{"keys": [...]}` or `{"attribute": "header:<name>" | "cookie:<name>",
    /// "equals": V}` or `{"attribute": "segment", "in": [...]}`, with `"arm"` (the role) and optionally
    /// `"evenWhenRolledBack"`. `arms` are the baseline's and candidate's names (for a hint when a rule names
    /// an arm instead of its role).
    static func readOverrides(_ value: JSONValue, arms: [String], _ c: inout Context) -> [OverrideRule]? {
        guard let elements = value.elements else {
            c.report("overrides", "expected an array of rules, found \(value.typeName)", at: value.position)
            return nil
        }
        var ok = true
        if elements.count > maxOverrideRules {
            c.report("overrides", "must have at most \(maxOverrideRules) rules, found \(elements.count)", at: value.position)
            ok = false
        }
        var seen = OverrideSeen()
        var rules: [OverrideRule] = []
        for (index, element) in elements.prefix(maxOverrideRules).enumerated() {
            if let rule = readOverride(element, path: path("overrides", index: index), arms: arms, &seen, &c) {
                rules.append(rule)
            } else {
                ok = false
            }
        }
        if seen.values > maxOverrideValues {
            c.report("overrides", "must list at most \(ReasonFormat.count(maxOverrideValues)) keys and segments in all, "
                     + "found \(ReasonFormat.count(seen.values))", at: value.position)
            ok = false
        }
        return ok ? rules : nil
    }

    static func readOverride(_ value: JSONValue, path: String, arms: [String], _ seen: inout OverrideSeen,
                             _ c: inout Context) -> OverrideRule? {
        guard let object = c.object(value, path: path, keys: overrideKeys) else { return nil }
        let arm = c.required(object, "arm").flatMap { readOverrideArm($0, path: object.path("arm"), arms: arms, &c) }
        var even: Bool?? = nil
        if let v = c.optional(object, "evenWhenRolledBack") {
            even = .some(v.boolValue)
            if v.boolValue == nil {
                c.report(object.path("evenWhenRolledBack"), "expected true or false, found \(v.typeName)", at: v.position)
            }
        }
        let match: OverrideMatch?
        switch (c.optional(object, "keys"), c.optional(object, "attribute")) {
        case (nil, nil):
            c.report(path, "a rule needs \"keys\" (a list of keys) or \"attribute\" (\"header:<name>\", "
                     + "\"cookie:<name>\" or \"segment\")", at: object.position)
            match = nil
        case (let keys?, let attribute?):
            c.report(object.path("attribute"), "a rule matches \"keys\" or an \"attribute\", not both; "
                     + "write two rules", at: attribute.position)
            _ = keys
            match = nil
        case (let keys?, nil):
            notAllowed(object, "equals", "a keys rule lists its keys in \"keys\"", &c)
            notAllowed(object, "in", "a keys rule lists its keys in \"keys\"", &c)
            match = readList(keys, path: object.path("keys"), what: "key", seen: &seen.keys, count: &seen.values, &c)
                .map(OverrideMatch.keys)
        case (nil, let attribute?):
            match = readAttributeRule(attribute, object, &seen, &c)
        }
        guard let match, let arm, even != .some(nil) else { return nil }
        return OverrideRule(match: match, arm: arm, evenWhenRolledBack: (even ?? false) ?? false)
    }

    /// `"baseline"` or `"candidate"`; an arm's own name gets a hint naming its role.
    static func readOverrideArm(_ value: JSONValue, path: String, arms: [String], _ c: inout Context) -> Arm? {
        guard let name = c.string(value, path: path) else { return nil }
        if name == "baseline" { return .baseline }
        if name == "candidate" { return .candidate }
        let hint: String
        if !name.isEmpty, let i = arms.firstIndex(of: name) {
            hint = "; \(jsonQuoted(name)) is the \(i == 0 ? "baseline" : "candidate")'s name, write its role "
                + jsonQuoted(i == 0 ? "baseline" : "candidate")
        } else if let guess = DidYouMean.suggestion(for: name, among: ["baseline", "candidate"]) {
            hint = "; did you mean \(jsonQuoted(guess))?"
        } else {
            hint = ""
        }
        c.report(path, "must be \"baseline\" or \"candidate\" (the role), found \(jsonQuoted(name))\(hint)",
                 at: value.position)
        return nil
    }

    /// `attribute` with its `equals` (header, cookie) or `in` (segment).
    static func readAttributeRule(_ value: JSONValue, _ object: ObjectView, _ seen: inout OverrideSeen,
                                  _ c: inout Context) -> OverrideMatch? {
        let path = object.path("attribute")
        guard let text = c.string(value, path: path), checkLength(text, value, path: path, &c) else { return nil }
        if text == "segment" {
            notAllowed(object, "equals", "a segment rule lists its segments in \"in\"", &c)
            guard let list = c.required(object, "in") else { return nil }
            return readList(list, path: object.path("in"), what: "segment", seen: &seen.segments,
                            count: &seen.values, &c).map(OverrideMatch.segment)
        }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let kind = String(parts[0])
        guard parts.count == 2, kind == "header" || kind == "cookie" else {
            let rest = parts.count == 2 ? String(parts[1]) : "<name>"
            let guess = DidYouMean.suggestion(for: kind, among: ["header", "cookie", "segment"])
                .map { "; did you mean \(jsonQuoted($0 == "segment" ? $0 : $0 + ":" + rest))?" } ?? ""
            c.report(path, "must be \"header:<name>\", \"cookie:<name>\" or \"segment\", found \(jsonQuoted(text))\(guess)",
                     at: value.position)
            return nil
        }
        let rawName = String(parts[1])
        guard !rawName.isEmpty, rawName.unicodeScalars.allSatisfy(isTokenScalar) else {
            c.report(path, "the \(kind) name after \"\(kind):\" must be 1 or more letters, digits or !#$%&'*+-.^_`|~, "
                     + "found \(jsonQuoted(rawName))", at: value.position)
            return nil
        }
        notAllowed(object, "in", "a \(kind) rule compares one value, in \"equals\"", &c)
        guard let equalsValue = c.required(object, "equals") else { return nil }
        let equalsPath = object.path("equals")
        guard let equals = c.string(equalsValue, path: equalsPath),
              checkLength(equals, equalsValue, path: equalsPath, &c) else { return nil }
        let name = kind == "header" ? rawName.lowercased() : rawName
        let condition = kind + ":" + name + "=" + equals
        if let first = seen.conditions[condition] {
            c.report(object.path, "matches the same requests as \(first) (the first "
                     + "matching rule wins, so this one never applies)", at: object.position)
            return nil
        }
        seen.conditions[condition] = object.path
        return kind == "header" ? .header(name: name, equals: equals) : .cookie(name: name, equals: equals)
    }

    /// A non-empty list of strings, each 1–256 bytes, none already listed (in this rule or an earlier one).
    static func readList(_ value: JSONValue, path: String, what: String, seen: inout [String: String],
                         count: inout Int, _ c: inout Context) -> [String]? {
        guard let elements = value.elements else {
            c.report(path, "expected an array of \(what)s, found \(value.typeName)", at: value.position)
            return nil
        }
        guard !elements.isEmpty else {
            c.report(path, "must list at least one \(what)", at: value.position)
            return nil
        }
        count += elements.count
        var out: [String] = []
        var ok = true
        for (index, element) in elements.enumerated() {
            let elementPath = PolicyParser.path(path, index: index)
            guard let s = c.string(element, path: elementPath), checkLength(s, element, path: elementPath, &c) else {
                ok = false
                continue
            }
            if let first = seen[s] {
                c.report(elementPath, "duplicate \(what) \(jsonQuoted(s)) (already at \(first))", at: element.position)
                ok = false
                continue
            }
            seen[s] = elementPath
            out.append(s)
        }
        return ok ? out : nil
    }

    static func checkLength(_ s: String, _ value: JSONValue, path: String, _ c: inout Context) -> Bool {
        let bytes = s.utf8.count
        guard (1...maxOverrideStringBytes).contains(bytes) else {
            c.report(path, "must be 1 to \(maxOverrideStringBytes) bytes long, found \(bytes)", at: value.position)
            return false
        }
        return true
    }

    static func notAllowed(_ object: ObjectView, _ key: String, _ why: String, _ c: inout Context) {
        guard let v = object[key] else { return }
        c.report(object.path(key), "is not used here: \(why)", at: v.position)
    }

    /// An HTTP token character (RFC 9110 `tchar`): header and cookie names.
    static func isTokenScalar(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(s)
    }

    /// The rules as the policy and the weights document write them, in order.
    package static func render(overrides rules: [OverrideRule]) -> JSONValue {
        .array(rules.map { rule in
            var pairs: [(String, JSONValue)]
            switch rule.match {
            case .keys(let keys): pairs = [("keys", .array(keys.map(JSONValue.string)))]
            case .header(_, let v), .cookie(_, let v): pairs = [("attribute", .string(rule.match.attribute ?? "")), ("equals", .string(v))]
            case .segment(let names): pairs = [("attribute", .string("segment")), ("in", .array(names.map(JSONValue.string)))]
            }
            pairs.append(("arm", .string(rule.arm == .baseline ? "baseline" : "candidate")))
            if rule.evenWhenRolledBack { pairs.append(("evenWhenRolledBack", JSONValue(.bool(true)))) }
            return .object(pairs)
        })
    }
}
