extension PolicyParser {
    package static let guardsKeys = ["errors", "latency", "ttft", "tokens", "cost", "custom", "failureThreshold"]
    package static let errorGuardKeys = ["statuses", "maxRatio", "minDelta", "maxRate"]
    package static let latencyGuardKeys = ["quantile", "maxRatio", "maxP99"]

    /// `guards`; every field is optional and defaults to `Guards()`'s value.
    static func readGuards(_ value: JSONValue, _ c: inout Context) -> Guards? {
        guard let object = c.object(value, path: "guards", keys: guardsKeys) else { return nil }
        let defaults = Guards()
        var guards = defaults
        var fields = OptionalFields()

        if let errors = c.optional(object, "errors") {
            if let e = c.object(errors, path: "guards.errors", keys: errorGuardKeys) {
                fields.take(c.optional(e, "statuses").map { readStatuses($0, &c) }) { guards.classifier = StatusClassifier(errorStatuses: $0) }
                fields.take(c.optional(e, "maxRatio").map {
                    c.number($0, path: e.path("maxRatio"), must: "greater than 1", { $0 > 1 })
                }) { guards.maxErrorRatio = $0 }
                fields.take(c.optional(e, "minDelta").map {
                    c.number($0, path: e.path("minDelta"), must: "between 0 and 100", { $0 >= 0 && $0 <= 100 })
                }) { guards.errorRateSlackPercent = $0 }
                fields.take(c.optional(e, "maxRate").map {
                    c.number($0, path: e.path("maxRate"), must: "greater than 0 and at most 100", { $0 > 0 && $0 <= 100 })
                }) { guards.maxErrorRatePercent = $0 }
            } else {
                fields.ok = false
            }
        }
        if let latency = c.optional(object, "latency") {
            if let l = c.object(latency, path: "guards.latency", keys: latencyGuardKeys) {
                fields.take(c.optional(l, "quantile").map {
                    c.number($0, path: l.path("quantile"), must: "greater than 0 and less than 1", { $0 > 0 && $0 < 1 })
                }) { guards.latencyQuantile = $0 }
                fields.take(c.optional(l, "maxRatio").map {
                    c.number($0, path: l.path("maxRatio"), must: "greater than 1", { $0 > 1 })
                }) { guards.maxLatencyRatio = $0 }
                fields.take(c.optional(l, "maxP99").map {
                    c.duration($0, path: l.path("maxP99"), minimum: TimeSpan(milliseconds: 1))
                }) { guards.maxP99 = $0 }
            } else {
                fields.ok = false
            }
        }
        fields.take(c.optional(object, "ttft").map { readTTFT($0, &c) }) { guards.ttft = $0 }
        fields.take(c.optional(object, "tokens").map { readRatioGuard($0, path: "guards.tokens", &c) }) { guards.tokens = $0 }
        fields.take(c.optional(object, "cost").map { readRatioGuard($0, path: "guards.cost", &c) }) { guards.cost = $0 }
        fields.take(c.optional(object, "custom").map { readCustomGuards($0, &c) }) { guards.custom = $0 }
        fields.take(c.optional(object, "failureThreshold").map {
            c.integer($0, path: "guards.failureThreshold", minimum: 1)
        }) { guards.failureThreshold = $0 }
        return fields.ok ? guards : nil
    }

    /// `guards.errors.statuses`: statuses `0` or 100...599 (numbers or numeric strings) and
    /// classes `"1xx"`...`"5xx"`.
    static func readStatuses(_ value: JSONValue, _ c: inout Context) -> Set<Int>? {
        let path = "guards.errors.statuses"
        guard let elements = value.elements else {
            c.report(path, "expected an array, found \(value.typeName)", at: value.position)
            return nil
        }
        if elements.isEmpty {
            c.report(path, "must list at least one status", at: value.position)
            return nil
        }
        var statuses: Set<Int> = []
        var ok = true
        for (index, element) in elements.enumerated() {
            let elementPath = PolicyParser.path(path, index: index)
            if let found = readStatus(element, path: elementPath, &c) {
                statuses.formUnion(found)
            } else {
                ok = false
            }
        }
        return ok ? statuses : nil
    }

    static func readStatus(_ value: JSONValue, path: String, _ c: inout Context) -> ClosedRange<Int>? {
        func single(_ n: Int?, found: String) -> ClosedRange<Int>? {
            guard let n, n == 0 || (100...599).contains(n) else {
                c.report(path, "must be 0 or a status from 100 to 599, found \(found)", at: value.position)
                return nil
            }
            return n...n
        }
        switch value.kind {
        case .number(let text):
            return single(value.integerValue, found: text)
        case .string(let text):
            let scalars = Array(text.unicodeScalars)
            if scalars.count == 3, ("1"..."5").contains(scalars[0]),
               scalars[1...].allSatisfy({ $0 == "x" || $0 == "X" }), let hundreds = Int(String(scalars[0])) {
                return (hundreds * 100)...(hundreds * 100 + 99)
            }
            if !scalars.isEmpty, scalars.count <= 3, scalars.allSatisfy({ ("0"..."9").contains($0) }) {
                return single(Int(text), found: jsonQuoted(text))
            }
            c.report(path, "expected a status like 503 or a class like \"5xx\", found \(jsonQuoted(text))", at: value.position)
            return nil
        default:
            c.report(path, "expected a status like 503 or a class like \"5xx\", found \(value.typeName)", at: value.position)
            return nil
        }
    }
}
