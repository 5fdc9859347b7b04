import Testing
@testable import GlidepathCore

/// `guards.custom`: parsed values and defaults, every mistake named by its path, the rendering, and the
/// cross-field rule that the controller's own metrics cannot feed a custom guard.
@Suite struct PolicyCustomGuardsTests {
    static let jsonParse = #"{"name": "json_parse", "bad": {"metric": "copy_parse_failures_total"}, "maxRatio": 2}"#

    /// `{"custom": [entries]}` as `guards`.
    static func guards(_ entries: String...) -> [(String, String?)] {
        [("guards", "{\"custom\": [" + entries.joined(separator: ", ") + "]}")]
    }

    static let mistakes: [PolicyCase] = [
        PolicyCase([("guards", #"{"custom": {}}"#)], "guards.custom", "expected an array of custom guards, found object"),
        PolicyCase([("guards", #"{"costum": []}"#)], "guards.costum", #"unknown key "costum"; did you mean "custom"?"#),
        PolicyCase(guards(#"{"bad": {"metric": "x_total"}, "maxRatio": 2}"#), "guards.custom[0].name",
                   #"missing required key "name""#),
        PolicyCase(guards(#"{"name": "Json", "bad": {"metric": "x_total"}, "maxRatio": 2}"#), "guards.custom[0].name",
                   #"must be 1 to 40 of a-z, 0-9, '_', starting with a letter, found "Json""#),
        PolicyCase(guards(#"{"name": "1x", "bad": {"metric": "x_total"}, "maxRatio": 2}"#), "guards.custom[0].name",
                   #"must be 1 to 40 of a-z, 0-9, '_', starting with a letter, found "1x""#),
        PolicyCase(guards("{\"name\": \"\(String(repeating: "a", count: 41))\", \"bad\": {\"metric\": \"x_total\"}, \"maxRatio\": 2}"),
                   "guards.custom[0].name",
                   "must be 1 to 40 of a-z, 0-9, '_', starting with a letter, found \"\(String(repeating: "a", count: 41))\""),
        PolicyCase(guards(#"{"name": "errors", "bad": {"metric": "x_total"}, "maxRatio": 2}"#), "guards.custom[0].name",
                   #""errors" is the name of a built-in guard; choose another"#),
        PolicyCase(guards(jsonParse, jsonParse), "guards.custom[1].name",
                   #""json_parse" is already the name of another custom guard; names must be unique"#),
        PolicyCase(guards(#"{"name": "x", "maxRatio": 2}"#), "guards.custom[0]",
                   #"missing "bad" or "good": the counter of bad (or good) events per arm, e.g. {"metric": "copy_parse_failures_total"}"#),
        PolicyCase(guards(#"{"name": "x", "bad": {"metric": "a_total"}, "good": {"metric": "b_total"}, "maxRatio": 2}"#),
                   "guards.custom[0].good",
                   #"give either "bad" (a counter of bad events) or "good" (a counter of good events), not both"#),
        PolicyCase(guards(#"{"name": "x", "bad": {"metric": "a-b"}, "maxRatio": 2}"#), "guards.custom[0].bad.metric",
                   #""a-b" is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*, at most 200 bytes)"#),
        PolicyCase(guards(#"{"name": "x", "bad": {"metric": "a_total", "arm": "__name"}, "maxRatio": 2}"#),
                   "guards.custom[0].bad.arm", #""__name" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)"#),
        PolicyCase(guards(#"{"name": "x", "bad": {"metric": "a_total", "labels": {"status": ""}}, "maxRatio": 2}"#),
                   "guards.custom[0].bad.labels.status", "must be 1 to 256 bytes, found 0"),
        PolicyCase(guards(#"{"name": "x", "bad": {"metric": "a_total"}}"#), "guards.custom[0].maxRatio",
                   #"missing required key "maxRatio""#),
        PolicyCase(guards(#"{"name": "x", "bad": {"metric": "a_total"}, "maxRatio": 1}"#), "guards.custom[0].maxRatio",
                   "must be greater than 1, found 1"),
        PolicyCase(guards(#"{"name": "x", "bad": {"metric": "a_total"}, "maxRatio": 2, "minDelta": 101}"#),
                   "guards.custom[0].minDelta", "must be between 0 and 100, found 101"),
        PolicyCase(guards(#"{"name": "x", "bad": {"metric": "a_total"}, "maxRatio": 2, "maxRate": 0}"#),
                   "guards.custom[0].maxRate", "must be greater than 0 and at most 100, found 0"),
        PolicyCase(guards((1...9).map { "{\"name\": \"g\($0)\", \"bad\": {\"metric\": \"x_total\"}, \"maxRatio\": 2}" }
                              .joined(separator: ", ")), "guards.custom",
                   "must have at most 8 guards, found 9"),
        // Valid guards, but the default source is the controller's own metrics.
        PolicyCase(guards(jsonParse), "guards.custom",
                   #"needs metrics.source "scrape" or "prometheus": the controller's own metrics have no such counter"#),
    ]

    @Test("each mistake yields exactly its one problem, path and message", arguments: mistakes)
    func singleProblem(_ row: PolicyCase) {
        let problems = PolicyFixtures.problems(row.source)
        #expect(problems.map(\.path) == [row.path])
        #expect(problems.map(\.message) == [row.message])
    }

    /// `guards` read on its own (the whole policy needs a `metrics` source for custom guards).
    static func readGuards(_ json: String) throws -> (Guards?, [PolicyProblem]) {
        var c = PolicyParser.Context()
        let guards = PolicyParser.readGuards(try JSONParser.parse(json), &c)
        return (guards, c.problems)
    }

    /// Unknown keys in an otherwise valid guard, read with `guards` alone (in a whole policy the missing
    /// `metrics` source is a second problem).
    @Test("unknown keys get a did-you-mean", arguments: [
        (#"{"custom": [{"name": "x", "good": {"metric": "a_total", "lables": {}}, "maxRatio": 2}]}"#,
         "guards.custom[0].good.lables", #"unknown key "lables"; did you mean "labels"?"#),
        (#"{"custom": [{"name": "x", "bad": {"metric": "a_total"}, "maxRatio": 2, "max_rate": 5}]}"#,
         "guards.custom[0].max_rate", #"unknown key "max_rate"; did you mean "maxRate"?"#),
        (#"{"custom": [{"name": "x", "bad": {"metric": "a_total"}, "maxRatio": 2, "kind": "bad"}]}"#,
         "guards.custom[0].kind",
         #"unknown key "kind"; expected one of "name", "bad", "good", "maxRatio", "minDelta", "maxRate""#),
    ])
    func unknownKeys(json: String, path: String, message: String) throws {
        let (_, problems) = try Self.readGuards(json)
        #expect(problems.map(\.path) == [path])
        #expect(problems.map(\.message) == [message])
    }

    @Test func everyFieldIsRead() throws {
        let (g, problems) = try Self.readGuards(#"""
            {"custom": [
              {"name": "json_parse", "bad": {"metric": "copy_parse_failures_total", "arm": "source",
               "labels": {"kind": "json", "job": "copy-api"}}, "maxRatio": 3, "minDelta": 0.5, "maxRate": 5},
              {"name": "thumbs_up", "good": {"metric": "copy_feedback_total", "labels": {"vote": "up"}}, "maxRatio": 1.5}
            ]}
            """#)
        #expect(problems.isEmpty)
        #expect(g?.custom == [
            CustomGuard(name: "json_parse", kind: .bad,
                        counter: CounterRef(metric: "copy_parse_failures_total", armLabel: "source",
                                            matchers: [LabelMatcher(name: "kind", value: "json"),
                                                       LabelMatcher(name: "job", value: "copy-api")]),
                        maxRatio: 3, minDeltaPercent: 0.5, maxRatePercent: 5),
            CustomGuard(name: "thumbs_up", kind: .good,
                        counter: CounterRef(metric: "copy_feedback_total", matchers: [LabelMatcher(name: "vote", value: "up")]),
                        maxRatio: 1.5, minDeltaPercent: 1, maxRatePercent: nil),
        ])
        // Rendering round trip of the guards.
        let (again, _) = try Self.readGuards(PolicyParser.render(g!).rendered())
        #expect(again == g)
    }

    @Test func absentOrEmptyMeansNone() throws {
        #expect(try Self.readGuards("{}").0?.custom == [])
        #expect(try Self.readGuards(#"{"custom": []}"#).0?.custom == [])
        // An empty list needs no source.
        #expect(PolicyFixtures.problems(PolicyFixtures.policy([("guards", #"{"custom": []}"#)])).isEmpty)
    }

    @Test func aScrapeOrPrometheusSourceSatisfiesTheCrossCheck() throws {
        var policy = Fixture.policy()
        policy.guards.custom = [CustomGuard(name: "x", kind: .bad, counter: CounterRef(metric: "x_total"))]
        let root = try JSONParser.parse("{}")
        for (source, ok) in [(MetricsSpec.Source.own, false), (.scrape(targets: ["http://127.0.0.1:9/metrics"]), true),
                             (.prometheus(url: "http://127.0.0.1:9090"), true)] {
            policy.metrics = MetricsSpec(source: source)
            var c = PolicyParser.Context()
            #expect(PolicyParser.checkCustomGuards(policy, root: root, &c) == ok)
            #expect(c.problems.count == (ok ? 0 : 1))
        }
    }
}
