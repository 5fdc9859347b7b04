extension PolicyParser {
    package static let sequentialKeys = ["alpha", "beta", "tolerance", "badRatio", "latencyQuantiles"]
    /// At most this many `sequential.latencyQuantiles`.
    package static let maxLatencyQuantiles = 6

    /// `sequential`; every field is optional and defaults to `SequentialSettings()`'s value.
    ///
    /// `alpha`, `beta` in (0, 0.5]; `tolerance` ≥ 1; `badRatio` > `tolerance`; `latencyQuantiles` 1 to 6
    /// numbers in (0, 1), strictly increasing.
    static func readSequential(_ value: JSONValue, _ c: inout Context) -> SequentialSettings? {
        guard let object = c.object(value, path: "sequential", keys: sequentialKeys) else { return nil }
        var settings = SequentialSettings()
        var fields = OptionalFields()
        for key in ["alpha", "beta"] {
            fields.take(c.optional(object, key).map {
                c.number($0, path: object.path(key), must: "greater than 0 and at most 0.5", { $0 > 0 && $0 <= 0.5 })
            }) { if key == "alpha" { settings.alpha = $0 } else { settings.beta = $0 } }
        }
        var ratiosOK = true
        fields.take(c.optional(object, "tolerance").map {
            c.number($0, path: object.path("tolerance"), must: "at least 1", { $0 >= 1 })
        }) { settings.tolerance = $0 }
        if let value = c.optional(object, "tolerance"), (value.doubleValue ?? 0) < 1 { ratiosOK = false }
        fields.take(c.optional(object, "badRatio").map {
            c.number($0, path: object.path("badRatio"), must: "greater than 1", { $0 > 1 })
        }) { settings.badRatio = $0 }
        if let value = c.optional(object, "badRatio"), (value.doubleValue ?? 0) <= 1 { ratiosOK = false }
        if ratiosOK, settings.badRatio <= settings.tolerance {
            if let value = c.optional(object, "badRatio") {
                c.report(object.path("badRatio"), "must be greater than tolerance \(trimmed(settings.tolerance)), "
                         + "found \(value.numberText ?? "")", at: value.position)
            } else if let value = c.optional(object, "tolerance") {
                c.report(object.path("tolerance"), "must be less than badRatio \(trimmed(settings.badRatio)), "
                         + "found \(value.numberText ?? "")", at: value.position)
            }
            fields.ok = false
        }
        fields.take(c.optional(object, "latencyQuantiles").map { readQuantiles($0, path: object.path("latencyQuantiles"), &c) }) {
            settings.latencyQuantiles = $0
        }
        return fields.ok ? settings : nil
    }

    /// `sequential.latencyQuantiles`: 1 to 6 numbers in (0, 1), strictly increasing.
    static func readQuantiles(_ value: JSONValue, path: String, _ c: inout Context) -> [Double]? {
        guard let elements = value.elements else {
            c.report(path, "expected an array, found \(value.typeName)", at: value.position)
            return nil
        }
        guard (1...maxLatencyQuantiles).contains(elements.count) else {
            c.report(path, "must list 1 to \(maxLatencyQuantiles) quantiles, found \(elements.count)", at: value.position)
            return nil
        }
        var out: [Double] = []
        var ok = true
        for (index, element) in elements.enumerated() {
            let elementPath = PolicyParser.path(path, index: index)
            guard let q = c.number(element, path: elementPath, must: "greater than 0 and less than 1", { $0 > 0 && $0 < 1 })
            else { ok = false; continue }
            if let last = out.last, q <= last {
                c.report(elementPath, "must be greater than the previous quantile \(trimmed(last)), "
                         + "found \(element.numberText ?? "")", at: element.position)
                ok = false
                continue
            }
            out.append(q)
        }
        return ok ? out : nil
    }

    /// `2` for 2.0, `1.5` for 1.5: numbers in messages as a person writes them.
    static func trimmed(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}
