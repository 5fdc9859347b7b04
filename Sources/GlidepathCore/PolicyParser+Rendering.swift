extension PolicyParser {
    /// The policy as JSON with every default written out, keys in schema order.
    ///
    /// `parse(render(p).rendered())` gives back `p`. Optional fields that are not set
    /// (`maxHold`, `noDataAfter`, `guards.errors.maxRate`, `guards.latency.maxP99`, `guards.ttft`, `guards.tokens`,
    /// `guards.cost`, an empty `guards.custom`, `cost`, an empty `notify`, empty `overrides`) are left out. A policy's
    /// `description` is not part of `Policy`, so it is not rendered.
    package static func render(_ policy: Policy) -> JSONValue {
        var top: [(String, JSONValue)] = [
            ("migration", .string(policy.migration)),
            ("baseline", .string(policy.baseline)),
            ("candidate", .string(policy.candidate)),
            ("interval", .string(policy.interval.description)),
            ("pollAfter", .string(policy.pollAfter.description)),
            ("steps", .array(policy.steps.map(render))),
            ("minRequests", .integer(policy.minRequests)),
            ("judge", .string(policy.judge.rawValue)),
        ]
        if let maxHold = policy.maxHold { top.append(("maxHold", .string(maxHold.description))) }
        top.append(("onStuck", .string(policy.onStuck.rawValue)))
        if let noDataAfter = policy.noDataAfter { top.append(("noDataAfter", .string(noDataAfter.description))) }
        top.append(("guards", render(policy.guards)))
        top.append(("sequential", render(policy.sequential)))
        if !policy.cost.isEmpty {
            let arms = [policy.baseline, policy.candidate].filter { policy.cost[$0] != nil }
            top.append(("cost", .object(arms.map { arm in
                let price = policy.cost[arm] ?? ArmCost()
                return (arm, .object([("per1kTokens", .number(price.per1kTokens)), ("perRequest", .number(price.perRequest))]))
            })))
        }
        top.append(("breaker", .object([("consecutiveErrors", .integer(policy.breaker.consecutiveErrors)),
                                         ("openSeconds", .integer(policy.breaker.openSeconds))])))
        if !policy.notify.isEmpty { top.append(("notify", .array(policy.notify.map(render)))) }
        if !policy.overrides.isEmpty { top.append(("overrides", render(overrides: policy.overrides))) }
        if let schedule = policy.schedule { top.append(("schedule", render(schedule))) }
        if let metrics = render(policy.metrics) { top.append(("metrics", metrics)) }
        return .object(top)
    }

    static func render(_ s: SequentialSettings) -> JSONValue {
        .object([("alpha", .number(s.alpha)), ("beta", .number(s.beta)), ("tolerance", .number(s.tolerance)),
                 ("badRatio", .number(s.badRatio)), ("latencyQuantiles", .array(s.latencyQuantiles.map { .number($0) }))])
    }

    static func render(_ step: Step) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("weight", JSONValue(.number(step.weight.description)))]
        if step.mirror > .zero { pairs.append(("mirror", JSONValue(.number(step.mirror.description)))) }
        pairs.append(("bake", .string(step.bake.description)))
        switch step.gate {
        case .manual?: pairs.append(("gate", .string("manual")))
        case .webhook(let url)?: pairs.append(("gate", .object([("webhook", .string(url.text))])))
        case nil: break
        }
        if let notBefore = step.notBefore { pairs.append(("notBefore", .string(notBefore.text))) }
        return .object(pairs)
    }

    static func render(_ guards: Guards) -> JSONValue {
        var errors: [(String, JSONValue)] = [
            ("statuses", .array(renderStatuses(guards.classifier))),
            ("maxRatio", .number(guards.maxErrorRatio)),
            ("minDelta", .number(guards.errorRateSlackPercent)),
        ]
        if let maxRate = guards.maxErrorRatePercent { errors.append(("maxRate", .number(maxRate))) }
        var latency: [(String, JSONValue)] = [
            ("quantile", .number(guards.latencyQuantile)),
            ("maxRatio", .number(guards.maxLatencyRatio)),
        ]
        if let maxP99 = guards.maxP99 { latency.append(("maxP99", .string(maxP99.description))) }
        var out: [(String, JSONValue)] = [("errors", .object(errors)), ("latency", .object(latency))]
        if let ttft = guards.ttft {
            var t: [(String, JSONValue)] = [("quantile", .number(ttft.quantile)), ("maxRatio", .number(ttft.maxRatio))]
            if let max = ttft.max { t.append(("max", .string(max.description))) }
            out.append(("ttft", .object(t)))
        }
        if let tokens = guards.tokens { out.append(("tokens", .object([("maxRatio", .number(tokens.maxRatio))]))) }
        if let cost = guards.cost { out.append(("cost", .object([("maxRatio", .number(cost.maxRatio))]))) }
        if !guards.custom.isEmpty { out.append(("custom", .array(guards.custom.map(render)))) }
        out.append(("failureThreshold", .integer(guards.failureThreshold)))
        return .object(out)
    }

    /// Error statuses, whole classes written `"5xx"`, the rest as numbers, ascending.
    /// One `guards.custom` entry; `maxRate` only when set.
    static func render(_ g: CustomGuard) -> JSONValue {
        var counter: [(String, JSONValue)] = [("metric", .string(g.counter.metric))]
        if let arm = g.counter.armLabel { counter.append(("arm", .string(arm))) }
        if !g.counter.matchers.isEmpty {
            counter.append(("labels", .object(g.counter.matchers.map { ($0.name, .string($0.value)) })))
        }
        var out: [(String, JSONValue)] = [("name", .string(g.name)), (g.kind.rawValue, .object(counter)),
                                          ("maxRatio", .number(g.maxRatio)), ("minDelta", .number(g.minDeltaPercent))]
        if let maxRate = g.maxRatePercent { out.append(("maxRate", .number(maxRate))) }
        return .object(out)
    }

    package static func renderStatuses(_ classifier: StatusClassifier) -> [JSONValue] {
        var out: [JSONValue] = []
        if classifier.classify(0) == .error { out.append(.integer(0)) }
        for hundreds in 1...5 {
            let range = (hundreds * 100)...(hundreds * 100 + 99)
            let errors = range.filter { classifier.classify($0) == .error }
            if errors.count == range.count {
                out.append(.string("\(hundreds)xx"))
            } else {
                out += errors.map { .integer($0) }
            }
        }
        return out
    }
}
