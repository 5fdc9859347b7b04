import Testing
@testable import GlidepathCore

@Suite struct PolicyParserTests {
    static func parse(_ source: String) throws -> Policy {
        switch PolicyParser.parse(source) {
        case .success(let policy): return policy
        case .failure(let error):
            Issue.record("unexpected problems: \(error)")
            throw error
        }
    }

    @Test("a minimal policy gets every default")
    func defaults() throws {
        let policy = try Self.parse(PolicyFixtures.policy())
        #expect(policy == Policy(migration: "chat", baseline: "a", candidate: "b",
                                 steps: [Step(weight: .full)], judge: .sequential))
        #expect(policy.interval == .seconds(10))
        #expect(policy.pollAfter == .seconds(5))
        #expect(policy.minRequests == 100)
        #expect(policy.judge == .sequential)
        #expect(policy.maxHold == nil)
        #expect(policy.noDataAfter == nil)
        #expect(policy.sequential == SequentialSettings(alpha: 0.01, beta: 0.05, tolerance: 1, badRatio: 2,
                                                        latencyQuantiles: [0.5, 0.9, 0.99, 0.999]))
        #expect(policy.onStuck == .hold)
        #expect(policy.steps == [Step(weight: Weight(basisPoints: 10_000), bake: .zero, manualGate: false)])
        #expect(policy.guards == Guards(classifier: .standard, maxErrorRatio: 2, errorRateSlackPercent: 1,
                                        maxErrorRatePercent: nil, maxLatencyRatio: 1.5, maxP99: nil,
                                        latencyQuantile: 0.99, failureThreshold: 3))
    }

    @Test("null for an optional key means its default")
    func nullMeansDefault() throws {
        let nulls = ["description", "interval", "pollAfter", "minRequests", "judge", "maxHold", "onStuck", "guards",
                     "noDataAfter", "sequential"]
        let policy = try Self.parse(PolicyFixtures.policy(nulls.map { ($0, "null") }))
        #expect(policy == Policy(migration: "chat", baseline: "a", candidate: "b", steps: [Step(weight: .full)],
                                 judge: .sequential))
        let guards = try Self.parse(PolicyFixtures.policy([("guards", #"""
            {"errors": {"statuses": null, "maxRatio": null, "minDelta": null, "maxRate": null},
             "latency": {"quantile": null, "maxRatio": null, "maxP99": null}, "failureThreshold": null}
            """#)])).guards
        #expect(guards == Guards())
        let step = try Self.parse(PolicyFixtures.policy([("steps", #"[{"weight": 100, "bake": null, "gate": null}]"#)])).steps
        #expect(step == [Step(weight: .full)])
    }

    @Test("every field maps into Policy and Guards exactly")
    func fullMapping() throws {
        let source = #"""
        {
          "migration": "chat-completions",
          "description": "free text",
          "baseline": "openai", "candidate": "holysheep",
          "interval": "15s", "pollAfter": "2s",
          "steps": [{"weight": 0.5, "bake": "10m"}, {"weight": 12.25, "bake": "1h30m"},
                    {"weight": 5e1, "gate": "manual"}, {"weight": 100}],
          "minRequests": 0,
          "judge": "threshold",
          "maxHold": "2h", "onStuck": "rollback", "noDataAfter": "15m",
          "sequential": {"alpha": 0.02, "beta": 0.1, "tolerance": 1.1, "badRatio": 1.5, "latencyQuantiles": [0.9, 0.99]},
          "guards": {
            "errors": {"statuses": [0, 429, "5xx", "408"], "maxRatio": 2.5, "minDelta": 0, "maxRate": 5},
            "latency": {"quantile": 0.95, "maxRatio": 1.2, "maxP99": "2s"},
            "failureThreshold": 4
          }
        }
        """#
        let policy = try Self.parse(source)
        let expected = Policy(
            migration: "chat-completions", baseline: "openai", candidate: "holysheep",
            interval: .seconds(15),
            steps: [Step(weight: Weight(basisPoints: 50), bake: .minutes(10)),
                    Step(weight: Weight(basisPoints: 1225), bake: .minutes(90)),
                    Step(weight: Weight(basisPoints: 5000), manualGate: true),
                    Step(weight: .full)],
            minRequests: 0,
            guards: Guards(classifier: StatusClassifier(errorStatuses: Set([0, 408, 429] + Array(500...599))),
                           maxErrorRatio: 2.5, errorRateSlackPercent: 0, maxErrorRatePercent: 5,
                           maxLatencyRatio: 1.2, maxP99: .seconds(2), latencyQuantile: 0.95, failureThreshold: 4),
            judge: .threshold, maxHold: .minutes(120), onStuck: .rollback, pollAfter: .seconds(2),
            sequential: SequentialSettings(alpha: 0.02, beta: 0.1, tolerance: 1.1, badRatio: 1.5, latencyQuantiles: [0.9, 0.99]),
            noDataAfter: .minutes(15))
        #expect(policy == expected)
        #expect(policy.guards.classifier.classify(408) == .error)
        #expect(policy.guards.classifier.classify(404) == .clientError)
        #expect(policy.guards.classifier.classify(503) == .error)
    }

    @Test("weights become exact basis points from their source text", arguments: [
        ("5", 500), ("0.01", 1), ("12.5", 1250), ("12.50", 1250), ("33.33", 3333), ("100", 10_000),
        ("100.00", 10_000), ("1e2", 10_000), ("1.5e1", 1500), ("2500e-2", 2500), ("0.0500e2", 500), ("5E-2", 5),
    ])
    func weightBasisPoints(text: String, basisPoints: Int) throws {
        let steps = try Self.parse(PolicyFixtures.policy([("steps", "[{\"weight\": \(text)}]")])).steps
        #expect(steps.map(\.weight) == [Weight(basisPoints: basisPoints)])
    }

    @Test("status classes and numeric strings expand into the classifier", arguments: [
        (#"["4xx"]"#, Set(400...499)),
        (#"["5XX", 0]"#, Set([0] + Array(500...599))),
        (#"["503", 503, 429]"#, Set([429, 503])),
        (#"[0]"#, Set([0])),
    ])
    func statuses(json: String, errors: Set<Int>) throws {
        let guards = try Self.parse(PolicyFixtures.policy([("guards", "{\"errors\": {\"statuses\": \(json)}}")])).guards
        #expect(guards.classifier == StatusClassifier(errorStatuses: errors))
    }

    @Test("every problem is reported, in document order, with its path and line")
    func reportsEveryProblem() {
        let source = #"""
        {
          "migration": "Chat Completions",
          "baseline": "openai",
          "candidate": "openai",
          "interval": "10 seconds",
          "steps": [
            {"weight": 5, "bakee": "10m"},
            {"weight": 5},
            {"weight": 120, "gate": "auto"}
          ],
          "minRequests": -3,
          "onStuck": "panic",
          "guards": {
            "errors": {"statuses": [0, 700], "maxRatio": 0.5},
            "latency": {"quantile": 99}
          }
        }
        """#
        let problems = PolicyFixtures.problems(source)
        let expected = [
            PolicyProblem(path: "migration", message: PolicyValidationTests.nameRule + #", found "Chat Completions""#, line: 2),
            PolicyProblem(path: "candidate", message: #"must differ from baseline "openai""#, line: 4),
            PolicyProblem(path: "interval", message: #"unexpected character " " in "10 seconds""#, line: 5),
            PolicyProblem(path: "steps[0].bakee", message: #"unknown key "bakee"; did you mean "bake"?"#, line: 7),
            PolicyProblem(path: "steps[1].weight", message: "must be greater than the previous step's weight 5, found 5", line: 8),
            PolicyProblem(path: "steps[2].weight", message: "must be greater than 0 and at most 100, found 120", line: 9),
            PolicyProblem(path: "steps[2].gate", message: #"must be "manual" or {"webhook": "https://…"}, found "auto""#,
                          line: 9),
            PolicyProblem(path: "minRequests", message: "must be at least 0, found -3", line: 11),
            PolicyProblem(path: "onStuck", message: #"must be one of "hold", "rollback", found "panic""#, line: 12),
            PolicyProblem(path: "guards.errors.statuses[1]", message: "must be 0 or a status from 100 to 599, found 700", line: 14),
            PolicyProblem(path: "guards.errors.maxRatio", message: "must be greater than 1, found 0.5", line: 14),
            PolicyProblem(path: "guards.latency.quantile", message: "must be greater than 0 and less than 1, found 99", line: 15),
        ]
        #expect(problems == expected)
    }

    @Test("missing keys point at the object that lacks them; malformed JSON at the error")
    func problemLines() {
        let missing = PolicyFixtures.problems("{\n  \"migration\": \"chat\",\n  \"steps\": [\n    {}\n  ]\n}")
        #expect(missing == [
            PolicyProblem(path: "baseline", message: #"missing required key "baseline""#, line: 1),
            PolicyProblem(path: "candidate", message: #"missing required key "candidate""#, line: 1),
            PolicyProblem(path: "steps[0].weight", message: #"missing required key "weight""#, line: 4),
        ])
        let malformed = PolicyFixtures.problems("{\n  \"migration\": \"chat\"\n  \"baseline\": \"a\"\n}")
        #expect(malformed == [PolicyProblem(path: "", message: "line 3, column 3: expected ',' or '}' after an object member", line: 3)])
        #expect(PolicyError(problems: missing).description
                == "baseline: missing required key \"baseline\"\ncandidate: missing required key \"candidate\"\nsteps[0].weight: missing required key \"weight\"")
    }

    @Test("did-you-mean finds likely typos and nothing else", arguments: [
        ("bakee", "bake"), ("weigth", "weight"), ("maxratio", "maxRatio"), ("max_ratio", "maxRatio"),
        ("poll-after", "pollAfter"), ("minRequest", "minRequests"), ("candiate", "candidate"),
        ("onstuck", "onStuck"), ("color", nil), ("x", nil), ("gates", "gate"), ("guard", "guards"),
    ] as [(String, String?)])
    func didYouMean(word: String, suggestion: String?) {
        let keys = PolicyParser.keys + PolicyParser.stepKeys + PolicyParser.errorGuardKeys
        #expect(DidYouMean.suggestion(for: word, among: keys) == suggestion)
    }

    @Test("edit distance counts a swap of neighbours as one edit", arguments: [
        ("", "", 0), ("abc", "", 3), ("kitten", "sitting", 3), ("weight", "weigth", 1), ("ab", "ba", 1), ("ca", "abc", 3),
    ])
    func editDistance(a: String, b: String, distance: Int) {
        #expect(DidYouMean.distance(a, b) == distance)
    }

    @Test("paths quote keys that are not identifiers", arguments: [
        ("", "migration", "migration"), ("guards", "errors", "guards.errors"),
        ("guards.errors", "max ratio", #"guards.errors["max ratio"]"#), ("", "1x", #"["1x"]"#), ("", "", #"[""]"#),
    ])
    func paths(parent: String, key: String, path: String) {
        #expect(PolicyParser.path(parent, key: key) == path)
    }

    @Test("render writes every default out and parses back to the same policy")
    func renderRoundTrips() throws {
        let minimal = try Self.parse(PolicyFixtures.policy())
        let text = PolicyParser.render(minimal).rendered()
        #expect(text == #"{"migration":"chat","baseline":"a","candidate":"b","interval":"10s","pollAfter":"5s","#
            + #""steps":[{"weight":100,"bake":"0s"}],"minRequests":100,"judge":"sequential","onStuck":"hold","#
            + #""guards":{"errors":{"statuses":[0,429,"5xx"],"maxRatio":2,"minDelta":1},"#
            + #""latency":{"quantile":0.99,"maxRatio":1.5},"failureThreshold":3},"#
            + #""sequential":{"alpha":0.01,"beta":0.05,"tolerance":1,"badRatio":2,"latencyQuantiles":[0.5,0.9,0.99,0.999]},"#
            + #""breaker":{"consecutiveErrors":5,"openSeconds":30}}"#)
        #expect(try PolicyParser.parse(text).get() == minimal)

        let rich = Policy(
            migration: "m", baseline: "x", candidate: "y", interval: .seconds(90),
            steps: [Step(weight: Weight(basisPoints: 5), bake: TimeSpan(milliseconds: 1_500)),
                    Step(weight: Weight(basisPoints: 1250), manualGate: true)],
            minRequests: 7,
            guards: Guards(classifier: StatusClassifier(errorStatuses: Set([0, 401, 502, 503])), maxErrorRatio: 1.25,
                           errorRateSlackPercent: 0.5, maxErrorRatePercent: 0.1, maxLatencyRatio: 3,
                           maxP99: TimeSpan(milliseconds: 750), latencyQuantile: 0.999, failureThreshold: 1),
            maxHold: .minutes(61), onStuck: .rollback, pollAfter: .seconds(1),
            sequential: SequentialSettings(alpha: 0.005, beta: 0.1, tolerance: 1.2, badRatio: 3, latencyQuantiles: [0.9, 0.995]),
            noDataAfter: .minutes(15))
        let pretty = PolicyParser.render(rich).rendered(pretty: true)
        #expect(pretty.contains("\"statuses\": [\n        0,\n        401,\n        502,\n        503\n      ]"))
        #expect(pretty.contains(#""maxHold": "1h1m""#))
        #expect(pretty.contains(#""noDataAfter": "15m""#))
        #expect(try PolicyParser.parse(pretty).get() == rich)
    }
}
