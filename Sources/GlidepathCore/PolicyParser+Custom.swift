/// `guards.custom`: business signals counted by the metrics source, judged like errors.
///
/// `[{"name": "json_parse", "bad": {"metric": "copy_parse_failures_total", "arm"?: LABEL,
/// "labels"?: {...}}, "maxRatio": 2, "minDelta"?: 1, "maxRate"?: 5}, ...]`, with `"good"` instead of
/// `"bad"` for a counter of good events (exactly one of the two).
extension PolicyParser {
    package static let customGuardKeys = ["name", "bad", "good", "maxRatio", "minDelta", "maxRate"]
    /// At most this many custom guards per policy.
    package static let maxCustomGuards = 8
    /// Custom guard names are 1 to this many bytes.
    package static let maxCustomGuardNameBytes = 40
    /// Names a custom guard may not take: the built-in guards and the other evidence groups.
    package static let reservedGuardNames = ["errors", "latency", "latency_max", "ttft", "ttft_max", "tokens",
                                             "cost", "exposure", "checks", "combined", "custom"]

    /// `guards.custom`: 0 to `maxCustomGuards` guards with distinct names.
    static func readCustomGuards(_ value: JSONValue, _ c: inout Context) -> [CustomGuard]? {
        let path = "guards.custom"
        guard let elements = value.elements else {
            c.report(path, "expected an array of custom guards, found \(value.typeName)", at: value.position)
            return nil
        }
        var ok = true
        if elements.count > maxCustomGuards {
            c.report(path, "must have at most \(maxCustomGuards) guards, found \(elements.count)", at: value.position)
            ok = false
        }
        var out: [CustomGuard] = []
        for (index, element) in elements.prefix(maxCustomGuards).enumerated() {
            let at = PolicyParser.path(path, index: index)
            guard let g = readCustomGuard(element, path: at, &c) else { ok = false; continue }
            if out.contains(where: { $0.name == g.name }) {
                let position = element.members?.first { $0.key == "name" }?.value.position ?? element.position
                c.report(PolicyParser.path(at, key: "name"), "\(jsonQuoted(g.name)) is already the name of "
                         + "another custom guard; names must be unique", at: position)
                ok = false
                continue
            }
            out.append(g)
        }
        return ok ? out : nil
    }

    static func readCustomGuard(_ value: JSONValue, path: String, _ c: inout Context) -> CustomGuard? {
        guard let o = c.object(value, path: path, keys: customGuardKeys) else { return nil }
        var ok = true
        let name = c.required(o, "name").flatMap { readCustomGuardName($0, path: o.path("name"), &c) }
        if name == nil { ok = false }

        var kind: CustomGuard.Kind?
        var counter: CounterRef?
        switch (c.optional(o, "bad"), c.optional(o, "good")) {
        case (let bad?, nil):
            kind = .bad
            counter = readCounterRef(bad, path: o.path("bad"), nameKey: "metric", &c)
        case (nil, let good?):
            kind = .good
            counter = readCounterRef(good, path: o.path("good"), nameKey: "metric", &c)
        case (_?, let good?):
            c.report(o.path("good"), "give either \"bad\" (a counter of bad events) or \"good\" (a counter of "
                     + "good events), not both", at: good.position)
        case (nil, nil):
            c.report(path, "missing \"bad\" or \"good\": the counter of bad (or good) events per arm, e.g. "
                     + "{\"metric\": \"copy_parse_failures_total\"}", at: o.position)
        }
        if counter == nil { ok = false }

        var maxRatio: Double?
        if let v = c.required(o, "maxRatio") {
            maxRatio = c.number(v, path: o.path("maxRatio"), must: "greater than 1", { $0 > 1 })
        }
        if maxRatio == nil { ok = false }
        var fields = OptionalFields()
        var minDelta = 1.0
        var maxRate: Double?
        fields.take(c.optional(o, "minDelta").map {
            c.number($0, path: o.path("minDelta"), must: "between 0 and 100", { $0 >= 0 && $0 <= 100 })
        }) { minDelta = $0 }
        fields.take(c.optional(o, "maxRate").map {
            c.number($0, path: o.path("maxRate"), must: "greater than 0 and at most 100", { $0 > 0 && $0 <= 100 })
        }) { maxRate = $0 }
        guard ok, fields.ok, let name, let kind, let counter, let maxRatio else { return nil }
        return CustomGuard(name: name, kind: kind, counter: counter, maxRatio: maxRatio, minDeltaPercent: minDelta,
                           maxRatePercent: maxRate)
    }

    /// `[a-z][a-z0-9_]*`, 1 to `maxCustomGuardNameBytes` bytes, not a built-in guard's name.
    static func readCustomGuardName(_ value: JSONValue, path: String, _ c: inout Context) -> String? {
        guard let s = c.string(value, path: path) else { return nil }
        let bytes = Array(s.utf8)
        let valid = (1...maxCustomGuardNameBytes).contains(bytes.count)
            && (0x61...0x7A).contains(bytes[0])
            && bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
        guard valid else {
            c.report(path, "must be 1 to \(maxCustomGuardNameBytes) of a-z, 0-9, '_', starting with a letter, "
                     + "found \(jsonQuoted(s))", at: value.position)
            return nil
        }
        guard !reservedGuardNames.contains(s) else {
            c.report(path, "\(jsonQuoted(s)) is the name of a built-in guard; choose another", at: value.position)
            return nil
        }
        return s
    }

    /// `guards.custom` reads counters from the metrics source, which the controller's own metrics do not
    /// have: it needs `metrics.source` `scrape` or `prometheus`. Runs on the whole policy (after the
    /// `metrics` section is read).
    static func checkCustomGuards(_ policy: Policy, root: JSONValue, _ c: inout Context) -> Bool {
        guard !policy.guards.custom.isEmpty, policy.metrics.source == .own else { return true }
        let position = root.members?.first { $0.key == "guards" }?.value.members?.first { $0.key == "custom" }?.keyPosition
        c.report("guards.custom", "needs metrics.source \"scrape\" or \"prometheus\": the controller's own metrics "
                 + "have no such counter", at: position)
        return false
    }
}
