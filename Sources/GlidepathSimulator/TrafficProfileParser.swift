import GlidepathCore
import JSONText

/// Reads a traffic profile (`glidepath simulate --traffic FILE`) into a `Scenario`:
///
/// ```json
/// {"hours": 6, "requestsPerSecond": 50, "diurnal": [24 hourly multipliers, optional],
///  "baseline": {"errorRate": 0.02, "latencyMs": {"p50": 300, "p99": 2000},
///               "ttftMs": {"p50": 200, "p99": 900}, "tokens": {"mean": 400}},
///  "candidate": {…same fields, each defaulting to the baseline's…},
///  "changes": [{"atMinutes": 30, "arm": "candidate", "errorRate": 0.2}],
///  "forcedShare": 0.1}
/// ```
///
/// - `hours` (0 < h ≤ 744, i.e. 31 days): the horizon; `requestsPerSecond` (0 < R ≤ 100,000): the total
///   rate R; `diurnal`: exactly 24 finite factors 0…100, not all 0, hour h of the run at `diurnal[h mod 24]`
///   × R (the run starts at the first).
/// - An arm: `errorRate` (0…1) and `latencyMs` (`p50`, `p99`: 0 < p50 < p99 ≤ 3,600,000 ms, a lognormal
///   fitted to both, `LatencyModel.fitted`) are required for the baseline; `ttftMs` (same shape: time to
///   first token of successful requests) and `tokens` (`mean` 0 < m ≤ 1,000,000 per successful request,
///   optional `sigma` 0…3 of ln tokens, default 0.5) are optional; so is `custom`: per `guards.custom` entry,
///   in the policy's order, the share 0…1 of requests that are bad events (at most 8). The candidate's fields default to the
///   baseline's (`"candidate": {}` or no candidate: an identical one).
/// - `changes` (at most 1,000): from `atMinutes` (0…hours × 60) on, `arm` (`baseline` or `candidate`) takes
///   the fields the change sets (at least one; the others stay). Applied in time order (ties in file order).
/// - `forcedShare` (0 ≤ s < 1, default 0): the share of requests the policy's `overrides` force to an arm.
///   Shims report them `forced=1` and the controller leaves them out of the judge's evidence, so the judge
///   sees R × (1 − s) requests per second: that is the rate simulated.
/// - A profile without changes is healthy: any rollback is a false rollback. With changes it is a
///   regression whose onset is the first change (a candidate worse from the start: a change at minute 0).
/// - Every problem is reported with its JSON path, like a policy's; unknown keys get a did-you-mean.
package enum TrafficProfileParser {
    package static let keys = ["description", "hours", "requestsPerSecond", "diurnal", "baseline", "candidate", "changes",
                                    "forcedShare"]
    package static let armKeys = ["errorRate", "latencyMs", "ttftMs", "tokens", "custom"]
    package static let changeKeys = ["atMinutes", "arm"] + armKeys
    package static let maximumHours = 24.0 * 31
    package static let maximumRate = 100_000.0
    package static let maximumChanges = 1000
    package static let maximumMilliseconds = 3_600_000.0
    package static let maximumTokens = 1_000_000.0
    package static let maximumSigma = 3.0
    package static let maximumDiurnal = 100.0
    /// Runs by default: enough for a 0.3 % upper bound on false rollbacks when none happen (healthy), or
    /// for the decision-time quantiles (with changes).
    package static let healthyRuns = 1000
    package static let regressionRuns = 300

    /// Parses `text`; the scenario's id is `id` (the command uses the file's name).
    package static func parse(_ text: String, id: String) -> Result<Scenario, PolicyError> {
        let root: JSONValue
        do {
            root = try JSONParser.parse(text)
        } catch {
            return .failure(PolicyError(problems: [PolicyProblem(path: "", message: error.description,
                                                                 line: error.line)]))
        }
        var ctx = ProfileContext()
        let scenario = read(root, id: id, &ctx)
        if let scenario, ctx.problems.count == 0 { return .success(scenario) }
        return .failure(ctx.problems)
    }

    static func read(_ root: JSONValue, id: String, _ ctx: inout ProfileContext) -> Scenario? {
        guard let top = ctx.object(root, path: "", keys: keys) else { return nil }
        if let d = ctx.optional(top, "description"), d.stringValue == nil {
            ctx.report(top.path("description"), "expected a string, found \(d.typeName)", at: d.position)
        }
        let hours = ctx.required(top, "hours").flatMap {
            ctx.number($0, path: top.path("hours"), must: "above 0 and at most 744 (31 days)") { $0 > 0 && $0 <= maximumHours }
        }
        let rate = ctx.required(top, "requestsPerSecond").flatMap {
            ctx.number($0, path: top.path("requestsPerSecond"), must: "above 0 and at most 100000") {
                $0 > 0 && $0 <= maximumRate
            }
        }
        var forcedShare: Double? = 0
        if let value = ctx.optional(top, "forcedShare") {
            forcedShare = ctx.number(value, path: top.path("forcedShare"), must: "at least 0 and below 1") { $0 >= 0 && $0 < 1 }
        }
        var traffic: Scenario.Traffic? = .steady
        if let value = ctx.optional(top, "diurnal") { traffic = diurnal(value, path: top.path("diurnal"), &ctx) }
        let baseline = ctx.required(top, "baseline").flatMap { arm($0, path: top.path("baseline"), base: nil, &ctx) }
        // An invalid baseline or hours still lets the candidate and the changes be checked (against stand-ins).
        var candidate = baseline
        if let value = ctx.optional(top, "candidate") {
            candidate = arm(value, path: top.path("candidate"), base: baseline ?? ArmBehaviour(), &ctx)
        }
        var changes: [Scenario.Change] = []
        if let value = ctx.optional(top, "changes") {
            let start = (baseline ?? ArmBehaviour(), candidate ?? baseline ?? ArmBehaviour())
            changes = self.changes(value, path: top.path("changes"), hours: hours ?? maximumHours, start: start, &ctx) ?? []
        }
        guard let hours, let rate, let forcedShare, let traffic, let baseline, let candidate else { return nil }
        let behaviours = [baseline, candidate] + changes.map(\.behaviour)
        let healthy = changes.isEmpty
        let first = changes.first?.atSeconds ?? 0
        let horizon = Int64((hours * 3600).rounded())
        var title = "\(TimeSpan(milliseconds: horizon * 1000).description) at "
            + "\(SimulationReport.rateText(rate)) req/s" + (traffic == .steady ? "" : ", diurnal")
        if forcedShare > 0 {
            title += ", \(SimulationReport.rateText(forcedShare * 100)) % forced (judged on "
                + "\(SimulationReport.rateText(rate * (1 - forcedShare))) req/s)"
        }
        title += healthy ? ", no changes (healthy)" : ", \(changes.count) change\(changes.count == 1 ? "" : "s") "
            + "from \(TimeSpan(milliseconds: first * 1000).description)"
        title += " (traffic profile)"
        return Scenario(id: id, title: title, healthy: healthy, defaultRates: [rate * (1 - forcedShare)],
                        defaultRuns: healthy ? healthyRuns : regressionRuns, horizonSeconds: horizon, traffic: traffic,
                        baseline: baseline, candidate: candidate, regressed: nil,
                        onset: first == 0 ? .start : .atSeconds(first), changes: changes,
                        guardsTTFT: behaviours.contains { $0.ttft != nil },
                        guardsTokens: behaviours.contains { $0.tokens != nil })
    }

    /// `diurnal`: 24 finite factors 0…100, not all zero.
    static func diurnal(_ value: JSONValue, path: String, _ ctx: inout ProfileContext) -> Scenario.Traffic? {
        guard let items = value.elements else {
            ctx.report(path, "expected an array of 24 hourly multipliers, found \(value.typeName)", at: value.position)
            return nil
        }
        guard items.count == 24 else {
            ctx.report(path, "must have exactly 24 hourly multipliers, found \(items.count)", at: value.position)
            return nil
        }
        var factors: [Double] = []
        for (i, item) in items.enumerated() {
            if let f = ctx.number(item, path: PolicyParser.path(path, index: i), must: "from 0 to 100",
                                  { $0 >= 0 && $0 <= maximumDiurnal }) {
                factors.append(f)
            }
        }
        guard factors.count == 24 else { return nil }
        guard factors.contains(where: { $0 > 0 }) else {
            ctx.report(path, "must not be all 0 (no traffic at all)", at: value.position)
            return nil
        }
        return .diurnal(factors)
    }

    /// One arm: required fields when `base` is nil (the baseline), else each defaulting to `base`'s.
    static func arm(_ value: JSONValue, path: String, base: ArmBehaviour?,
                    _ ctx: inout ProfileContext) -> ArmBehaviour? {
        guard let object = ctx.object(value, path: path, keys: armKeys) else { return nil }
        return fields(object, onto: base, &ctx)
    }

    /// The arm fields of `object` applied onto `base` (nil: `errorRate` and `latencyMs` are required).
    static func fields(_ object: ProfileContext.Object, onto base: ArmBehaviour?,
                       _ ctx: inout ProfileContext) -> ArmBehaviour? {
        var out = base ?? ArmBehaviour()
        var ok = true
        func take<T>(_ read: T??, _ apply: (T) -> Void) {
            switch read {
            case .none: break
            case .some(.none): ok = false
            case .some(.some(let v)): apply(v)
            }
        }
        let errorValue = base == nil ? ctx.required(object, "errorRate") : ctx.optional(object, "errorRate")
        let latencyValue = base == nil ? ctx.required(object, "latencyMs") : ctx.optional(object, "latencyMs")
        if base == nil && (errorValue == nil || latencyValue == nil) { ok = false }
        take(errorValue.map { ctx.number($0, path: object.path("errorRate"), must: "from 0 to 1") { $0 >= 0 && $0 <= 1 } }) {
            out.errorRate = $0
        }
        take(latencyValue.map { quantiles($0, path: object.path("latencyMs"), &ctx) }) { out.latency = $0 }
        take(ctx.optional(object, "ttftMs").map { quantiles($0, path: object.path("ttftMs"), &ctx) }) { out.ttft = $0 }
        take(ctx.optional(object, "tokens").map { tokens($0, path: object.path("tokens"), &ctx) }) { out.tokens = $0 }
        take(ctx.optional(object, "custom").map { customBad($0, path: object.path("custom"), &ctx) }) { out.customBad = $0 }
        return ok ? out : nil
    }

    /// `{"p50": x, "p99": y}` in milliseconds, 0 < p50 < p99 ≤ 3,600,000: the fitted lognormal.
    static func quantiles(_ value: JSONValue, path: String, _ ctx: inout ProfileContext) -> LatencyModel? {
        guard let object = ctx.object(value, path: path, keys: ["p50", "p99"]) else { return nil }
        let rule = "above 0 and at most 3600000 (ms)"
        let p50 = ctx.required(object, "p50").flatMap {
            ctx.number($0, path: object.path("p50"), must: rule) { $0 > 0 && $0 <= maximumMilliseconds }
        }
        let p99Value = ctx.required(object, "p99")
        let p99 = p99Value.flatMap {
            ctx.number($0, path: object.path("p99"), must: rule) { $0 > 0 && $0 <= maximumMilliseconds }
        }
        guard let p50, let p99, let p99Value else { return nil }
        guard p99 > p50 else {
            ctx.report(object.path("p99"), "must be above p50 (\(SimulationReport.rateText(p50))), found "
                       + (p99Value.numberText ?? ""), at: p99Value.position)
            return nil
        }
        return .fitted(p50Seconds: p50 / 1000, p99Seconds: p99 / 1000)
    }

    /// `{"mean": m, "sigma": s}`: 0 < m ≤ 1,000,000 tokens, 0 ≤ s ≤ 3 (default 0.5).
    static func tokens(_ value: JSONValue, path: String, _ ctx: inout ProfileContext) -> TokensModel? {
        guard let object = ctx.object(value, path: path, keys: ["mean", "sigma"]) else { return nil }
        let mean = ctx.required(object, "mean").flatMap {
            ctx.number($0, path: object.path("mean"), must: "above 0 and at most 1000000") { $0 > 0 && $0 <= maximumTokens }
        }
        var sigma: Double? = TokensModel.defaultSigma
        if let s = ctx.optional(object, "sigma") {
            sigma = ctx.number(s, path: object.path("sigma"), must: "from 0 to 3") { $0 >= 0 && $0 <= maximumSigma }
        }
        guard let mean, let sigma else { return nil }
        return TokensModel(mean: mean, sigma: sigma)
    }

    /// `changes`: each applied onto its arm's behaviour so far, in time order.
    static func changes(_ value: JSONValue, path: String, hours: Double, start: (ArmBehaviour, ArmBehaviour),
                        _ ctx: inout ProfileContext) -> [Scenario.Change]? {
        guard let items = value.elements else {
            ctx.report(path, "expected an array of changes, found \(value.typeName)", at: value.position)
            return nil
        }
        guard items.count <= maximumChanges else {
            ctx.report(path, "must have at most \(maximumChanges) changes, found \(items.count)", at: value.position)
            return nil
        }
        var parsed: [(minutes: Double, arm: Arm, object: ProfileContext.Object)] = []
        let limit = hours * 60
        for (i, item) in items.enumerated() {
            let p = PolicyParser.path(path, index: i)
            guard let object = ctx.object(item, path: p, keys: changeKeys) else { continue }
            let minutes = ctx.required(object, "atMinutes").flatMap {
                ctx.number($0, path: object.path("atMinutes"), must: "from 0 to \(SimulationReport.rateText(limit)) "
                           + "(the profile's hours × 60)") { $0 >= 0 && $0 <= limit }
            }
            let arm = ctx.required(object, "arm").flatMap {
                ctx.choice($0, path: object.path("arm"), among: ["baseline", "candidate"])
            }
            if !armKeys.contains(where: { object[$0] != nil }) {
                ctx.report(p, "a change must set at least one of \(armKeys.map(jsonQuoted).joined(separator: ", "))",
                           at: item.position)
                continue
            }
            if let minutes, let arm {
                parsed.append((minutes, arm == "baseline" ? .baseline : .candidate, object))
            } else {
                _ = fields(object, onto: start.0, &ctx)  // still report the fields' own problems
            }
        }
        var current = Arms(baseline: start.0, candidate: start.1)
        var out: [Scenario.Change] = []
        for change in parsed.enumerated().sorted(by: { ($0.element.minutes, $0.offset) < ($1.element.minutes, $1.offset) }) {
            let c = change.element
            guard let next = fields(c.object, onto: current[c.arm], &ctx) else { continue }
            current[c.arm] = next
            out.append(Scenario.Change(atSeconds: Int64((c.minutes * 60).rounded()), arm: c.arm, behaviour: next))
        }
        return out
    }

    /// Both arms' behaviours so far, by arm.
    struct Arms {
        var baseline: ArmBehaviour
        var candidate: ArmBehaviour

        subscript(arm: Arm) -> ArmBehaviour {
            get { arm == .baseline ? baseline : candidate }
            set { if arm == .baseline { baseline = newValue } else { candidate = newValue } }
        }
    }
}
