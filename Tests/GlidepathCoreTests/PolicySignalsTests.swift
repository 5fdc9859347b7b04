import Testing
@testable import GlidepathCore

/// `guards.ttft`, `guards.tokens`, `guards.cost`, `cost` and `breaker`: parsed values, defaults, every
/// mistake named by its path, and the rendering round trip.
@Suite struct PolicySignalsTests {
    static let mistakes: [PolicyCase] = [
        PolicyCase([("guards", #"{"ttft": {"quantile": 1}}"#)], "guards.ttft.quantile", "must be greater than 0 and less than 1, found 1"),
        PolicyCase([("guards", #"{"ttft": {"maxRatio": 1}}"#)], "guards.ttft.maxRatio", "must be greater than 1, found 1"),
        PolicyCase([("guards", #"{"ttft": {"max": "0s"}}"#)], "guards.ttft.max", "must be at least 1ms, found 0s"),
        PolicyCase([("guards", #"{"ttft": {"maxP99": "2s"}}"#)], "guards.ttft.maxP99", #"unknown key "maxP99"; expected one of "quantile", "maxRatio", "max""#),
        PolicyCase([("guards", #"{"tokens": {"maxRatio": 0.9}}"#)], "guards.tokens.maxRatio", "must be greater than 1, found 0.9"),
        PolicyCase([("guards", #"{"tokens": {"maxratio": 2}}"#)], "guards.tokens.maxratio", #"unknown key "maxratio"; did you mean "maxRatio"?"#),
        PolicyCase([("guards", #"{"tokns": {}}"#)], "guards.tokns", #"unknown key "tokns"; did you mean "tokens"?"#),
        PolicyCase([("guards", #"{"cost": {"maxRatio": 2}}"#)], "guards.cost",
                   #"compares cost per request, so "cost" must price both arms; missing "a" and "b""#),
        PolicyCase([("guards", #"{"cost": {"maxRatio": 2}}"#), ("cost", #"{"a": {"perRequest": 1}}"#)], "guards.cost",
                   #"compares cost per request, so "cost" must price both arms; missing "b""#),
        PolicyCase([("cost", #"{"cheap": {"per1kTokens": 1}}"#)], "cost.cheap", #"is not an arm of this migration; expected "a" or "b""#),
        PolicyCase([("baseline", #""openai""#), ("cost", #"{"opnai": {}}"#)], "cost.opnai",
                   #"is not an arm of this migration; did you mean "openai"?"#),
        PolicyCase([("cost", "[]")], "cost", "expected an object keyed by arm name, found array"),
        PolicyCase([("cost", #"{"a": {"per1kTokens": -1}}"#)], "cost.a.per1kTokens", "must be at least 0 and at most 1,000,000, found -1"),
        PolicyCase([("cost", #"{"a": {"perRequest": 1e7}}"#)], "cost.a.perRequest", "must be at least 0 and at most 1,000,000, found 1e7"),
        PolicyCase([("cost", #"{"a": {"per1kTokns": 1}}"#)], "cost.a.per1kTokns", #"unknown key "per1kTokns"; did you mean "per1kTokens"?"#),
        PolicyCase([("breaker", #"{"consecutiveErrors": 0}"#)], "breaker.consecutiveErrors", "must be at least 1, found 0"),
        PolicyCase([("breaker", #"{"consecutiveErrors": 1001}"#)], "breaker.consecutiveErrors", "must be at most 1000, found 1001"),
        PolicyCase([("breaker", #"{"openSeconds": 3601}"#)], "breaker.openSeconds", "must be at most 3600, found 3601"),
        PolicyCase([("breaker", #"{"openSeconds": 1.5}"#)], "breaker.openSeconds", "expected an integer, found 1.5"),
        PolicyCase([("breaker", #"{"openSecond": 10}"#)], "breaker.openSecond", #"unknown key "openSecond"; did you mean "openSeconds"?"#),
    ]

    @Test("each mistake yields exactly its one problem, path and message", arguments: mistakes)
    func singleProblem(_ row: PolicyCase) {
        let problems = PolicyFixtures.problems(row.source)
        #expect(problems.map(\.path) == [row.path])
        #expect(problems.map(\.message) == [row.message])
    }

    static func parsed(_ changes: [(String, String?)]) throws -> Policy {
        try PolicyParser.parse(PolicyFixtures.policy(changes)).get()
    }

    @Test func absentMeansUnguardedAndDefaultBreaker() throws {
        let p = try Self.parsed([])
        #expect(p.guards.ttft == nil && p.guards.tokens == nil && p.guards.cost == nil)
        #expect(p.cost.isEmpty)
        #expect(p.breaker == BreakerSettings(consecutiveErrors: 5, openSeconds: 30))
    }

    @Test func emptyObjectsTakeTheDefaults() throws {
        let p = try Self.parsed([("guards", #"{"ttft": {}, "tokens": {}}"#)])
        #expect(p.guards.ttft == TTFTGuard(quantile: 0.99, maxRatio: 1.5, max: nil))
        #expect(p.guards.tokens == RatioGuard(maxRatio: 1.5))
    }

    @Test func everyFieldIsRead() throws {
        let p = try Self.parsed([
            ("guards", #"{"ttft": {"quantile": 0.9, "maxRatio": 2, "max": "2s"}, "tokens": {"maxRatio": 3}, "cost": {"maxRatio": 1.2}}"#),
            ("cost", #"{"a": {"per1kTokens": 2.5}, "b": {"per1kTokens": 0.42, "perRequest": 0.001}}"#),
            ("breaker", #"{"consecutiveErrors": 3, "openSeconds": 60}"#),
        ])
        #expect(p.guards.ttft == TTFTGuard(quantile: 0.9, maxRatio: 2, max: .seconds(2)))
        #expect(p.guards.tokens?.maxRatio == 3)
        #expect(p.guards.cost?.maxRatio == 1.2)
        #expect(p.cost["a"] == ArmCost(per1kTokens: 2.5, perRequest: 0))
        #expect(p.price(of: .candidate) == ArmCost(per1kTokens: 0.42, perRequest: 0.001))
        #expect(p.breaker == BreakerSettings(consecutiveErrors: 3, openSeconds: 60))
        // 1,000 requests of 400 tokens at 0.42 per 1k tokens plus 0.001 per request.
        #expect(abs(p.price(of: .candidate)!.cost(tokens: 400_000, requests: 1000) - 169) < 1e-9)
        // Rendering round trip.
        let again = try PolicyParser.parse(PolicyParser.render(p).rendered()).get()
        #expect(again == p)
    }
}
