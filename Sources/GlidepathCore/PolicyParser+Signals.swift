/// The guards and settings AI-provider migrations add: `guards.ttft`, `guards.tokens`, `guards.cost`, the
/// per-arm prices `cost` and the shims' `breaker`.
extension PolicyParser {
    package static let ttftGuardKeys = ["quantile", "maxRatio", "max"]
    package static let ratioGuardKeys = ["maxRatio"]
    package static let armCostKeys = ["per1kTokens", "perRequest"]
    package static let breakerKeys = ["consecutiveErrors", "openSeconds"]
    /// Largest price accepted (per 1,000 tokens or per request): anything larger is a unit mistake.
    package static let maxPrice = 1_000_000.0
    package static let consecutiveErrorsRange = 1...1000
    package static let openSecondsRange = 1...3600

    /// `guards.ttft`: like `guards.latency`, with the absolute cap named `max`.
    static func readTTFT(_ value: JSONValue, _ c: inout Context) -> TTFTGuard? {
        guard let o = c.object(value, path: "guards.ttft", keys: ttftGuardKeys) else { return nil }
        var out = TTFTGuard()
        var fields = OptionalFields()
        fields.take(c.optional(o, "quantile").map {
            c.number($0, path: o.path("quantile"), must: "greater than 0 and less than 1", { $0 > 0 && $0 < 1 })
        }) { out.quantile = $0 }
        fields.take(c.optional(o, "maxRatio").map {
            c.number($0, path: o.path("maxRatio"), must: "greater than 1", { $0 > 1 })
        }) { out.maxRatio = $0 }
        fields.take(c.optional(o, "max").map {
            c.duration($0, path: o.path("max"), minimum: TimeSpan(milliseconds: 1))
        }) { out.max = $0 }
        return fields.ok ? out : nil
    }

    /// `guards.tokens` and `guards.cost`: `{"maxRatio": r}`.
    static func readRatioGuard(_ value: JSONValue, path: String, _ c: inout Context) -> RatioGuard? {
        guard let o = c.object(value, path: path, keys: ratioGuardKeys) else { return nil }
        var out = RatioGuard()
        var fields = OptionalFields()
        fields.take(c.optional(o, "maxRatio").map {
            c.number($0, path: o.path("maxRatio"), must: "greater than 1", { $0 > 1 })
        }) { out.maxRatio = $0 }
        return fields.ok ? out : nil
    }

    /// `cost`: `{"<arm>": {"per1kTokens": x, "perRequest": y}}`, keyed by the policy's arm names (nil names
    /// when an arm name was itself invalid: then only the prices' shapes are checked).
    static func readCost(_ value: JSONValue, arms: [String], _ c: inout Context) -> [String: ArmCost]? {
        guard let members = value.members else {
            c.report("cost", "expected an object keyed by arm name, found \(value.typeName)", at: value.position)
            return nil
        }
        var out: [String: ArmCost] = [:]
        var ok = true
        for member in members {
            let path = PolicyParser.path("cost", key: member.key)
            if !arms.isEmpty, !arms.contains(member.key) {
                let hint = DidYouMean.suggestion(for: member.key, among: arms).map { "did you mean \(jsonQuoted($0))?" }
                    ?? "expected \(arms.map(jsonQuoted).joined(separator: " or "))"
                c.report(path, "is not an arm of this migration; \(hint)", at: member.keyPosition)
                ok = false
                continue
            }
            guard let o = c.object(member.value, path: path, keys: armCostKeys) else { ok = false; continue }
            var price = ArmCost()
            var fields = OptionalFields()
            let rule = "at least 0 and at most \(ReasonFormat.count(Int(maxPrice)))"
            fields.take(c.optional(o, "per1kTokens").map {
                c.number($0, path: o.path("per1kTokens"), must: rule, { $0 >= 0 && $0 <= maxPrice })
            }) { price.per1kTokens = $0 }
            fields.take(c.optional(o, "perRequest").map {
                c.number($0, path: o.path("perRequest"), must: rule, { $0 >= 0 && $0 <= maxPrice })
            }) { price.perRequest = $0 }
            if fields.ok { out[member.key] = price } else { ok = false }
        }
        return ok ? out : nil
    }

    /// `breaker`: `{"consecutiveErrors": 5, "openSeconds": 30}`.
    static func readBreaker(_ value: JSONValue, _ c: inout Context) -> BreakerSettings? {
        guard let o = c.object(value, path: "breaker", keys: breakerKeys) else { return nil }
        var out = BreakerSettings()
        var fields = OptionalFields()
        func bounded(_ v: JSONValue, _ key: String, _ range: ClosedRange<Int>) -> Int? {
            guard let n = c.integer(v, path: o.path(key), minimum: range.lowerBound) else { return nil }
            guard n <= range.upperBound else {
                c.report(o.path(key), "must be at most \(range.upperBound), found \(n)", at: v.position)
                return nil
            }
            return n
        }
        fields.take(c.optional(o, "consecutiveErrors").map { bounded($0, "consecutiveErrors", consecutiveErrorsRange) }) {
            out.consecutiveErrors = $0
        }
        fields.take(c.optional(o, "openSeconds").map { bounded($0, "openSeconds", openSecondsRange) }) {
            out.openSeconds = $0
        }
        return fields.ok ? out : nil
    }

    /// `guards.cost` compares prices, so both arms need one.
    static func checkCostGuard(_ guards: Guards, cost: [String: ArmCost], arms: [String], root: JSONValue,
                               _ c: inout Context) -> Bool {
        guard guards.cost != nil, arms.count == 2 else { return true }
        let missing = arms.filter { cost[$0] == nil }
        guard !missing.isEmpty else { return true }
        let position = root.members?.first { $0.key == "guards" }?.value.members?.first { $0.key == "cost" }?.keyPosition
        c.report("guards.cost", "compares cost per request, so \"cost\" must price both arms; missing "
                 + missing.map(jsonQuoted).joined(separator: " and "), at: position)
        return false
    }
}
