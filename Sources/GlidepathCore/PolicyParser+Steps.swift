extension PolicyParser {
    package static let stepKeys = ["weight", "bake", "gate", "mirror", "notBefore"]
    package static let gateKeys = ["webhook"]

    /// `steps`: 1...50 objects with strictly increasing weights.
    static func readSteps(_ value: JSONValue, _ c: inout Context) -> [Step]? {
        guard let elements = value.elements else {
            c.report("steps", "expected an array, found \(value.typeName)", at: value.position)
            return nil
        }
        var ok = true
        if elements.isEmpty {
            c.report("steps", "must have at least 1 step", at: value.position)
            ok = false
        } else if elements.count > maxSteps {
            c.report("steps", "must have at most \(maxSteps) steps, found \(elements.count)", at: value.position)
            ok = false
        }
        var steps: [Step] = []
        var previous: Weight?
        for (index, element) in elements.enumerated() {
            let path = PolicyParser.path("steps", index: index)
            guard let object = c.object(element, path: path, keys: stepKeys) else {
                ok = false
                continue
            }
            let mirror = c.optional(object, "mirror").map { readWeight($0, path: object.path("mirror"), &c) }
            var weight = c.required(object, "weight").flatMap {
                readStepWeight($0, path: object.path("weight"), shadow: mirror != nil, &c)
            }
            if let w = weight, let p = previous, w <= p, let value = object["weight"] {
                c.report(object.path("weight"), "must be greater than the previous step's weight \(p), found \(value.numberText ?? "")",
                         at: value.position)
                weight = nil
            }
            if let w = weight { previous = w }
            let bake = c.optional(object, "bake").map { c.duration($0, path: object.path("bake")) } ?? .zero
            let gate = c.optional(object, "gate").map { readGate($0, path: object.path("gate"), &c) }
            let notBefore = c.optional(object, "notBefore").map { value -> NotBefore? in
                if index == 0 {
                    c.report(object.path("notBefore"), "the first step starts when the policy is applied; put "
                             + "notBefore on a later step", at: value.position)
                    return nil
                }
                return readNotBefore(value, path: object.path("notBefore"), &c)
            }
            guard let weight, let bake, gate != .some(nil), mirror != .some(nil), notBefore != .some(nil),
                  checkMirror(mirror ?? nil, weight: weight, object, &c) else {
                ok = false
                continue
            }
            var step = Step(weight: weight, bake: bake, gate: gate ?? nil, mirror: (mirror ?? nil) ?? .zero)
            step.notBefore = notBefore ?? nil
            steps.append(step)
        }
        return ok ? steps : nil
    }

    /// `steps[i].gate`: `"manual"` or `{"webhook": URL}`.
    static func readGate(_ value: JSONValue, path: String, _ c: inout Context) -> Gate? {
        let expected = #""manual" or {"webhook": "https://…"}"#
        if let text = value.stringValue {
            guard text == "manual" else {
                c.report(path, "must be \(expected), found \(jsonQuoted(text))", at: value.position)
                return nil
            }
            return .manual
        }
        guard value.members != nil else {
            c.report(path, "expected \(expected), found \(value.typeName)", at: value.position)
            return nil
        }
        guard let object = c.object(value, path: path, keys: gateKeys),
              let url = c.required(object, "webhook").flatMap({ readWebhookURL($0, path: object.path("webhook"), &c) })
        else { return nil }
        return .webhook(url)
    }

    /// A percentage > 0 and ≤ 100 with at most two decimals, checked on the number's source text.
    static func readWeight(_ value: JSONValue, path: String, _ c: inout Context) -> Weight? {
        guard let percent = c.number(value, path: path, must: "greater than 0 and at most 100", { $0 > 0 && $0 <= 100 })
        else { return nil }
        guard let text = value.numberText, let bp = basisPoints(percentText: text), bp > 0, bp <= 10_000 else {
            c.report(path, "must have at most two decimals, found \(value.numberText ?? "\(percent)")", at: value.position)
            return nil
        }
        return Weight(basisPoints: bp)
    }

    /// The exact value of a JSON number times 100, when that is an integer (at most two decimals).
    ///
    /// Works on the digits, not a `Double`, so `12.345` is caught however it rounds and `1.5e1` is 15.
    static func basisPoints(percentText text: String) -> Int? {
        var mantissa = Substring(text)
        var exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let exp = Int(mantissa[mantissa.index(after: e)...]) else { return nil }
            exponent = exp
            mantissa = mantissa[..<e]
        }
        if mantissa.hasPrefix("-") { return nil }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? parts[1] : ""
        var digits = Substring(String(parts[0]) + fraction).drop(while: { $0 == "0" })
        if digits.isEmpty { return 0 }
        // value = digits × 10^(exponent − fraction digits); times 100 for basis points.
        let (shift, overflow) = exponent.subtractingReportingOverflow(fraction.count - 2)
        if overflow { return nil }
        if shift < 0 {
            guard -shift <= digits.count, digits.suffix(-shift).allSatisfy({ $0 == "0" }) else { return nil }
            digits = digits.dropLast(-shift)
            return digits.isEmpty ? 0 : Int(digits)
        }
        guard shift <= 6, digits.count <= 6, let base = Int(digits) else { return nil }
        var result = base
        for _ in 0..<shift { result *= 10 }
        return result
    }
}
