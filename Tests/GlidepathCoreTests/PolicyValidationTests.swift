import Testing
@testable import GlidepathCore

@Suite struct PolicyValidationTests {
    static let nameRule = "must be 1 to 63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit"
    static let armRule = "must be 1 to 63 of A-Z, a-z, 0-9, '.', '_', '-'"
    static let fiftyOne = "[" + (1...51).map { "{\"weight\": \($0)}" }.joined(separator: ", ") + "]"

    static let cases: [PolicyCase] = [
        // The document itself
        PolicyCase(source: "{\n  \"migration\": \"chat\",\n", "", "line 3, column 1: unexpected end of input; expected a string key after ','"),
        PolicyCase(source: "[]", "", "expected an object, found array"),
        // Unknown and missing keys
        PolicyCase([("intervall", #""10s""#)], "intervall", #"unknown key "intervall"; did you mean "interval"?"#),
        PolicyCase([("poll_after", #""5s""#)], "poll_after", #"unknown key "poll_after"; did you mean "pollAfter"?"#),
        PolicyCase([("steps", #"[{"weight": 100, "bakee": "1m"}]"#)], "steps[0].bakee", #"unknown key "bakee"; did you mean "bake"?"#),
        PolicyCase([("steps", #"[{"weight": 100, "color": "red"}]"#)], "steps[0].color",
                   #"unknown key "color"; expected one of "weight", "bake", "gate", "mirror", "notBefore""#),
        PolicyCase([("guards", #"{"errors": {"max ratio": 3}}"#)], #"guards.errors["max ratio"]"#,
                   #"unknown key "max ratio"; did you mean "maxRatio"?"#),
        PolicyCase([("guards", #"{"latency": {"p99": "1s"}}"#)], "guards.latency.p99",
                   #"unknown key "p99"; expected one of "quantile", "maxRatio", "maxP99""#),
        PolicyCase([("guards", #"{"failureTreshold": 2}"#)], "guards.failureTreshold",
                   #"unknown key "failureTreshold"; did you mean "failureThreshold"?"#),
        PolicyCase([("migration", nil)], "migration", #"missing required key "migration""#),
        PolicyCase([("steps", nil)], "steps", #"missing required key "steps""#),
        PolicyCase([("steps", #"[{"bake": "1m"}]"#)], "steps[0].weight", #"missing required key "weight""#),
        // Names
        PolicyCase([("migration", "5")], "migration", "expected a string, found number"),
        PolicyCase([("migration", "null")], "migration", "expected a string, found null"),
        PolicyCase([("migration", #""Chat""#)], "migration", nameRule + #", found "Chat""#),
        PolicyCase([("migration", #""""#)], "migration", nameRule + #", found """#),
        PolicyCase([("migration", #""-chat""#)], "migration", nameRule + #", found "-chat""#),
        PolicyCase([("migration", "\"\(String(repeating: "a", count: 64))\"")], "migration",
                   nameRule + ", found \"\(String(repeating: "a", count: 64))\""),
        PolicyCase([("baseline", #""open ai""#)], "baseline", armRule + #", found "open ai""#),
        PolicyCase([("candidate", #""new/key""#)], "candidate", armRule + #", found "new/key""#),
        PolicyCase([("candidate", #""a""#)], "candidate", #"must differ from baseline "a""#),
        PolicyCase([("description", "[]")], "description", "expected a string, found array"),
        // Durations
        PolicyCase([("interval", "10")], "interval", #"expected a duration string like "30s", found number"#),
        PolicyCase([("interval", #""10 s""#)], "interval", #"unexpected character " " in "10 s""#),
        PolicyCase([("interval", #""10sec""#)], "interval", #"unknown unit "sec" in "10sec"; did you mean "s"?"#),
        PolicyCase([("interval", #""500ms""#)], "interval", "must be at least 1s, found 500ms"),
        PolicyCase([("pollAfter", #""0s""#)], "pollAfter", "must be at least 1s, found 0s"),
        PolicyCase([("maxHold", #""0s""#)], "maxHold", "must be at least 1s, found 0s"),
        PolicyCase([("maxHold", "true")], "maxHold", #"expected a duration string like "30s", found boolean"#),
        // Every duration has a bound (366 days; interval and pollAfter 1 hour)
        PolicyCase([("interval", #""30d""#)], "interval", #"must be at most 1h, found "30d""#),
        PolicyCase([("interval", #""1h1ms""#)], "interval", #"must be at most 1h, found "1h1ms""#),
        PolicyCase([("pollAfter", #""200000d""#)], "pollAfter", #"must be at most 1h, found "200000d""#),
        PolicyCase([("pollAfter", #""61m""#)], "pollAfter", #"must be at most 1h, found "61m""#),
        PolicyCase([("maxHold", #""367d""#)], "maxHold", #"must be at most 366d, found "367d""#),
        PolicyCase([("noDataAfter", #""366d1ms""#)], "noDataAfter", #"must be at most 366d, found "366d1ms""#),
        PolicyCase([("maxHold", #""53w""#)], "maxHold", #"must be at most 366d, found "53w""#),
        PolicyCase([("steps", #"[{"weight": 100, "bake": "52w3d"}]"#)], "steps[0].bake", #"must be at most 366d, found "52w3d""#),
        PolicyCase([("interval", #""1w""#)], "interval", #"must be at most 1h, found "1w""#),
        PolicyCase([("steps", #"[{"weight": 100, "bake": "9223372036854775807ms"}]"#)], "steps[0].bake",
                   #"must be at most 366d, found "9223372036854775807ms""#),
        PolicyCase([("guards", #"{"latency": {"maxP99": "400d"}}"#)], "guards.latency.maxP99",
                   #"must be at most 366d, found "400d""#),
        // Steps
        PolicyCase([("steps", "{}")], "steps", "expected an array, found object"),
        PolicyCase([("steps", "[]")], "steps", "must have at least 1 step"),
        PolicyCase([("steps", fiftyOne)], "steps", "must have at most 50 steps, found 51"),
        PolicyCase([("steps", "[5]")], "steps[0]", "expected an object, found number"),
        PolicyCase([("steps", #"[{"weight": "5"}]"#)], "steps[0].weight", "expected a number, found string"),
        PolicyCase([("steps", #"[{"weight": 0}]"#)], "steps[0].weight",
                   #"must be greater than 0 and at most 100, found 0 (0 is allowed only on a shadow step, with "mirror" > 0)"#),
        PolicyCase([("steps", #"[{"weight": -5}]"#)], "steps[0].weight", "must be greater than 0 and at most 100, found -5"),
        PolicyCase([("steps", #"[{"weight": 100.01}]"#)], "steps[0].weight", "must be greater than 0 and at most 100, found 100.01"),
        PolicyCase([("steps", #"[{"weight": 1e999}]"#)], "steps[0].weight", "is out of range, found 1e999"),
        PolicyCase([("steps", #"[{"weight": 12.345}, {"weight": 100}]"#)], "steps[0].weight", "must have at most two decimals, found 12.345"),
        PolicyCase([("steps", #"[{"weight": 0.001}, {"weight": 100}]"#)], "steps[0].weight", "must have at most two decimals, found 0.001"),
        PolicyCase([("steps", #"[{"weight": 50}, {"weight": 50}]"#)], "steps[1].weight",
                   "must be greater than the previous step's weight 50, found 50"),
        PolicyCase([("steps", #"[{"weight": 12.5}, {"weight": 10}]"#)], "steps[1].weight",
                   "must be greater than the previous step's weight 12.5, found 10"),
        PolicyCase([("steps", #"[{"weight": 100, "bake": 60}]"#)], "steps[0].bake", #"expected a duration string like "30s", found number"#),
        PolicyCase([("steps", #"[{"weight": 100, "bake": "1.5h"}]"#)], "steps[0].bake",
                   #"fractions are not allowed in "1.5h"; combine units instead, like "1h30m""#),
        PolicyCase([("steps", #"[{"weight": 100, "gate": "auto"}]"#)], "steps[0].gate",
                   #"must be "manual" or {"webhook": "https://…"}, found "auto""#),
        PolicyCase([("steps", #"[{"weight": 100, "gate": true}]"#)], "steps[0].gate",
                   #"expected "manual" or {"webhook": "https://…"}, found boolean"#),
        // Scalars
        PolicyCase([("minRequests", #""100""#)], "minRequests", "expected an integer, found string"),
        PolicyCase([("minRequests", "2.5")], "minRequests", "expected an integer, found 2.5"),
        PolicyCase([("minRequests", "1e2")], "minRequests", "expected an integer, found 1e2"),
        PolicyCase([("minRequests", "-1")], "minRequests", "must be at least 0, found -1"),
        PolicyCase([("minRequests", "99999999999999999999")], "minRequests", "is out of range, found 99999999999999999999"),
        PolicyCase([("judge", #""bayes""#)], "judge", #"must be one of "threshold", "sequential", found "bayes""#),
        PolicyCase([("judge", #""Sequential""#)], "judge", #"must be one of "threshold", "sequential", found "Sequential""#),
        // noDataAfter
        PolicyCase([("noDataAfter", #""0s""#)], "noDataAfter", "must be at least 1s, found 0s"),
        PolicyCase([("noDataAfter", #""500ms""#)], "noDataAfter", "must be at least 1s, found 500ms"),
        PolicyCase([("noDataAfter", "900")], "noDataAfter", #"expected a duration string like "30s", found number"#),
        PolicyCase([("noDataAfer", #""15m""#)], "noDataAfer", #"unknown key "noDataAfer"; did you mean "noDataAfter"?"#),
        // sequential
        PolicyCase([("sequential", "[]")], "sequential", "expected an object, found array"),
        PolicyCase([("sequencial", "{}")], "sequencial", #"unknown key "sequencial"; did you mean "sequential"?"#),
        PolicyCase([("sequential", #"{"alpah": 0.01}"#)], "sequential.alpah", #"unknown key "alpah"; did you mean "alpha"?"#),
        PolicyCase([("sequential", #"{"quantiles": [0.5]}"#)], "sequential.quantiles",
                   #"unknown key "quantiles"; expected one of "alpha", "beta", "tolerance", "badRatio", "latencyQuantiles""#),
        PolicyCase([("sequential", #"{"alpha": 0}"#)], "sequential.alpha", "must be greater than 0 and at most 0.5, found 0"),
        PolicyCase([("sequential", #"{"alpha": 0.6}"#)], "sequential.alpha", "must be greater than 0 and at most 0.5, found 0.6"),
        PolicyCase([("sequential", #"{"alpha": "1%"}"#)], "sequential.alpha", "expected a number, found string"),
        PolicyCase([("sequential", #"{"beta": -0.05}"#)], "sequential.beta", "must be greater than 0 and at most 0.5, found -0.05"),
        PolicyCase([("sequential", #"{"beta": 1}"#)], "sequential.beta", "must be greater than 0 and at most 0.5, found 1"),
        PolicyCase([("sequential", #"{"tolerance": 0.9}"#)], "sequential.tolerance", "must be at least 1, found 0.9"),
        PolicyCase([("sequential", #"{"tolerance": 2}"#)], "sequential.tolerance", "must be less than badRatio 2, found 2"),
        PolicyCase([("sequential", #"{"badRatio": 1}"#)], "sequential.badRatio", "must be greater than 1, found 1"),
        PolicyCase([("sequential", #"{"tolerance": 1.5, "badRatio": 1.5}"#)], "sequential.badRatio",
                   "must be greater than tolerance 1.5, found 1.5"),
        PolicyCase([("sequential", #"{"latencyQuantiles": 0.99}"#)], "sequential.latencyQuantiles", "expected an array, found number"),
        PolicyCase([("sequential", #"{"latencyQuantiles": []}"#)], "sequential.latencyQuantiles", "must list 1 to 6 quantiles, found 0"),
        PolicyCase([("sequential", #"{"latencyQuantiles": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]}"#)],
                   "sequential.latencyQuantiles", "must list 1 to 6 quantiles, found 7"),
        PolicyCase([("sequential", #"{"latencyQuantiles": [0.5, 1]}"#)], "sequential.latencyQuantiles[1]",
                   "must be greater than 0 and less than 1, found 1"),
        PolicyCase([("sequential", #"{"latencyQuantiles": [0, 0.5]}"#)], "sequential.latencyQuantiles[0]",
                   "must be greater than 0 and less than 1, found 0"),
        PolicyCase([("sequential", #"{"latencyQuantiles": [0.9, 0.5]}"#)], "sequential.latencyQuantiles[1]",
                   "must be greater than the previous quantile 0.9, found 0.5"),
        PolicyCase([("sequential", #"{"latencyQuantiles": [0.99, 0.99]}"#)], "sequential.latencyQuantiles[1]",
                   "must be greater than the previous quantile 0.99, found 0.99"),
        PolicyCase([("sequential", #"{"latencyQuantiles": ["p99"]}"#)], "sequential.latencyQuantiles[0]",
                   "expected a number, found string"),
        PolicyCase([("onStuck", #""pause""#)], "onStuck", #"must be one of "hold", "rollback", found "pause""#),
        // Guards
        PolicyCase([("guards", "[]")], "guards", "expected an object, found array"),
        PolicyCase([("guards", #"{"errors": "5xx"}"#)], "guards.errors", "expected an object, found string"),
        PolicyCase([("guards", #"{"latency": 1.5}"#)], "guards.latency", "expected an object, found number"),
        PolicyCase([("guards", #"{"errors": {"statuses": 500}}"#)], "guards.errors.statuses", "expected an array, found number"),
        PolicyCase([("guards", #"{"errors": {"statuses": []}}"#)], "guards.errors.statuses", "must list at least one status"),
        PolicyCase([("guards", #"{"errors": {"statuses": [0, 600]}}"#)], "guards.errors.statuses[1]",
                   "must be 0 or a status from 100 to 599, found 600"),
        PolicyCase([("guards", #"{"errors": {"statuses": [99]}}"#)], "guards.errors.statuses[0]",
                   "must be 0 or a status from 100 to 599, found 99"),
        PolicyCase([("guards", #"{"errors": {"statuses": [429.5]}}"#)], "guards.errors.statuses[0]",
                   "must be 0 or a status from 100 to 599, found 429.5"),
        PolicyCase([("guards", #"{"errors": {"statuses": ["600"]}}"#)], "guards.errors.statuses[0]",
                   #"must be 0 or a status from 100 to 599, found "600""#),
        PolicyCase([("guards", #"{"errors": {"statuses": ["6xx"]}}"#)], "guards.errors.statuses[0]",
                   #"expected a status like 503 or a class like "5xx", found "6xx""#),
        PolicyCase([("guards", #"{"errors": {"statuses": ["server"]}}"#)], "guards.errors.statuses[0]",
                   #"expected a status like 503 or a class like "5xx", found "server""#),
        PolicyCase([("guards", #"{"errors": {"statuses": [null]}}"#)], "guards.errors.statuses[0]",
                   #"expected a status like 503 or a class like "5xx", found null"#),
        PolicyCase([("guards", #"{"errors": {"maxRatio": 1}}"#)], "guards.errors.maxRatio", "must be greater than 1, found 1"),
        PolicyCase([("guards", #"{"errors": {"maxRatio": "2"}}"#)], "guards.errors.maxRatio", "expected a number, found string"),
        PolicyCase([("guards", #"{"errors": {"minDelta": -0.5}}"#)], "guards.errors.minDelta", "must be between 0 and 100, found -0.5"),
        PolicyCase([("guards", #"{"errors": {"maxRate": 0}}"#)], "guards.errors.maxRate", "must be greater than 0 and at most 100, found 0"),
        PolicyCase([("guards", #"{"errors": {"maxRate": 150}}"#)], "guards.errors.maxRate", "must be greater than 0 and at most 100, found 150"),
        PolicyCase([("guards", #"{"latency": {"quantile": 1}}"#)], "guards.latency.quantile", "must be greater than 0 and less than 1, found 1"),
        PolicyCase([("guards", #"{"latency": {"quantile": 99}}"#)], "guards.latency.quantile", "must be greater than 0 and less than 1, found 99"),
        PolicyCase([("guards", #"{"latency": {"maxRatio": 0.5}}"#)], "guards.latency.maxRatio", "must be greater than 1, found 0.5"),
        PolicyCase([("guards", #"{"latency": {"maxP99": "0ms"}}"#)], "guards.latency.maxP99", "must be at least 1ms, found 0s"),
        PolicyCase([("guards", #"{"latency": {"maxP99": 2000}}"#)], "guards.latency.maxP99", #"expected a duration string like "30s", found number"#),
        PolicyCase([("guards", #"{"failureThreshold": 0}"#)], "guards.failureThreshold", "must be at least 1, found 0"),
        PolicyCase([("guards", #"{"failureThreshold": 2.5}"#)], "guards.failureThreshold", "expected an integer, found 2.5"),
    ]

    @Test("each mistake yields exactly its one problem, path and message", arguments: cases)
    func singleProblem(_ row: PolicyCase) {
        let problems = PolicyFixtures.problems(row.source)
        #expect(problems.map(\.path) == [row.path])
        #expect(problems.map(\.message) == [row.message])
    }

    @Test("durations at their bound are accepted", arguments: [
        ("interval", #""1h""#), ("pollAfter", #""60m""#), ("maxHold", #""366d""#), ("noDataAfter", #""365d24h""#),
        ("steps", #"[{"weight": 100, "bake": "366d"}]"#), ("maxHold", #""52w2d""#),
        ("steps", #"[{"weight": 10, "bake": "2w"}, {"weight": 100}]"#), ("guards", #"{"latency": {"maxP99": "366d"}}"#),
    ])
    func durationAtItsBound(key: String, value: String) {
        #expect(PolicyFixtures.problems(PolicyFixtures.policy([(key, value)])).isEmpty)
    }

    /// 20,000 unknown keys: the first 100 problems are listed, the rest counted, and the did-you-mean
    /// search runs only for the listed ones.
    @Test func problemsPastTheFirst100AreCounted() throws {
        let source = #"{"migration": "chat", "baseline": "a", "candidate": "b", "steps": [{"weight": 100}]"#
            + (0..<20_000).map { #", "unknownKey\#($0)": 1"# }.joined() + "}"
        let clock = ContinuousClock()
        let start = clock.now
        let result = PolicyParser.parse(source)
        let elapsed = clock.now - start
        guard case .failure(let error) = result else { Issue.record("parsed"); return }
        #expect(error.problems.count == 100)
        #expect(error.moreProblems == 19_900)
        #expect(error.count == 20_000)
        #expect(error.problems.first?.path == "unknownKey0")
        #expect(error.problems.last?.path == "unknownKey99")
        #expect(error.summary == "the policy has 20,000 problems; nothing was stored "
                + "(the first 100 are listed … and 19,900 more problems)")
        #expect(error.description.hasSuffix("\n… and 19,900 more problems"))
        #expect(elapsed < .seconds(4), "took \(elapsed)")  // 0.45 s in a debug build
    }

    @Test func aFewProblemsAreAllListed() {
        guard case .failure(let error) = PolicyParser.parse(PolicyFixtures.policy([("interval", "1"), ("judge", "2")]))
        else { Issue.record("parsed"); return }
        #expect(error.count == 2 && error.moreProblems == 0 && error.moreSentence == nil)
        #expect(error.summary == "the policy has 2 problems; nothing was stored")
        var one = PolicyError(problems: [PolicyProblem(path: "a", message: "b")])
        #expect(one.summary == "the policy has 1 problem; nothing was stored")
        for _ in 0..<100 { one.append(PolicyProblem(path: "x", message: "y")) }
        #expect(one.problems.count == 100 && one.moreProblems == 1)
        #expect(one.moreSentence == "… and 1 more problem")
    }
}

/// Builds policy JSON texts for tests: a small valid policy, one member per line, with members
/// replaced (`value` text), removed (`nil`) or added at the end.
enum PolicyFixtures {
    static let base: [(String, String)] = [
        ("migration", #""chat""#),
        ("baseline", #""a""#),
        ("candidate", #""b""#),
        ("steps", #"[{"weight": 100}]"#),
    ]

    static func policy(_ changes: [(String, String?)] = []) -> String {
        var members = base.map { ($0.0, Optional($0.1)) }
        for (key, value) in changes {
            if let i = members.firstIndex(where: { $0.0 == key }) {
                members[i].1 = value
            } else {
                members.append((key, value))
            }
        }
        let lines = members.compactMap { key, value in value.map { "  \(jsonQuoted(key)): \($0)" } }
        return "{\n" + lines.joined(separator: ",\n") + "\n}"
    }

    static func problems(_ source: String) -> [PolicyProblem] {
        switch PolicyParser.parse(source) {
        case .success: []
        case .failure(let error): error.problems
        }
    }
}

/// One row of a validation table: a change to the small valid policy and the one problem it causes.
struct PolicyCase: Sendable, CustomTestStringConvertible {
    var source: String
    var path: String
    var message: String

    init(_ changes: [(String, String?)], _ path: String, _ message: String) {
        self.source = PolicyFixtures.policy(changes)
        self.path = path
        self.message = message
    }

    init(source: String, _ path: String, _ message: String) {
        self.source = source
        self.path = path
        self.message = message
    }

    var testDescription: String { path.isEmpty ? message : "\(path): \(message)" }
}
