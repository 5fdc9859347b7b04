import Testing
@testable import GlidepathCore

/// `overrides` in a policy: every mistake named by its JSON path, the rules as parsed, rendering, and when
/// a rule is in force.
@Suite struct PolicyOverridesTests {
    static func overrides(_ json: String) -> [(String, String?)] { [("overrides", json)] }
    static let tooMany = "[" + (0..<33).map { #"{"keys": ["k\#($0)"], "arm": "candidate"}"# }.joined(separator: ", ") + "]"
    static let manyKeys = #"[{"keys": ["# + (0..<1001).map { "\"k\($0)\"" }.joined(separator: ", ") + #"], "arm": "baseline"}]"#
    static let long = String(repeating: "x", count: 257)

    static let problems: [PolicyCase] = [
        PolicyCase([("overides", "[]")], "overides", #"unknown key "overides"; did you mean "overrides"?"#),
        PolicyCase(overrides("{}"), "overrides", "expected an array of rules, found object"),
        PolicyCase(overrides(tooMany), "overrides", "must have at most 32 rules, found 33"),
        PolicyCase(overrides(manyKeys), "overrides", "must list at most 1,000 keys and segments in all, found 1,001"),
        PolicyCase(overrides("[5]"), "overrides[0]", "expected an object, found number"),
        PolicyCase(overrides(#"[{"keys": ["a"]}]"#), "overrides[0].arm", #"missing required key "arm""#),
        PolicyCase(overrides(#"[{"keys": ["a"], "arm": "candiate"}]"#), "overrides[0].arm",
                   #"must be "baseline" or "candidate" (the role), found "candiate"; did you mean "candidate"?"#),
        PolicyCase(overrides(#"[{"keys": ["a"], "arm": "b"}]"#), "overrides[0].arm",
                   #"must be "baseline" or "candidate" (the role), found "b"; "b" is the candidate's name, write its role "candidate""#),
        PolicyCase(overrides(#"[{"keys": ["a"], "arm": "premium-pool"}]"#), "overrides[0].arm",
                   #"must be "baseline" or "candidate" (the role), found "premium-pool""#),
        PolicyCase(overrides(#"[{"keys": ["a"], "arm": "candidate", "evenWhenRollBack": true}]"#),
                   "overrides[0].evenWhenRollBack", #"unknown key "evenWhenRollBack"; did you mean "evenWhenRolledBack"?"#),
        PolicyCase(overrides(#"[{"keys": ["a"], "arm": "candidate", "evenWhenRolledBack": "yes"}]"#),
                   "overrides[0].evenWhenRolledBack", "expected true or false, found string"),
        PolicyCase(overrides(#"[{"arm": "candidate"}]"#), "overrides[0]",
                   #"a rule needs "keys" (a list of keys) or "attribute" ("header:<name>", "cookie:<name>" or "segment")"#),
        PolicyCase(overrides(#"[{"keys": ["a"], "attribute": "segment", "in": ["x"], "arm": "candidate"}]"#),
                   "overrides[0].attribute", #"a rule matches "keys" or an "attribute", not both; write two rules"#),
        PolicyCase(overrides(#"[{"keys": [], "arm": "candidate"}]"#), "overrides[0].keys", "must list at least one key"),
        PolicyCase(overrides(#"[{"keys": "a", "arm": "candidate"}]"#), "overrides[0].keys", "expected an array of keys, found string"),
        PolicyCase(overrides(#"[{"keys": ["a", 7], "arm": "candidate"}]"#), "overrides[0].keys[1]", "expected a string, found number"),
        PolicyCase(overrides(#"[{"keys": ["a", ""], "arm": "candidate"}]"#), "overrides[0].keys[1]",
                   "must be 1 to 256 bytes long, found 0"),
        PolicyCase(overrides("[{\"keys\": [\"\(long)\"], \"arm\": \"candidate\"}]"), "overrides[0].keys[0]",
                   "must be 1 to 256 bytes long, found 257"),
        PolicyCase(overrides(#"[{"keys": ["a", "b", "a"], "arm": "candidate"}]"#), "overrides[0].keys[2]",
                   #"duplicate key "a" (already at overrides[0].keys[0])"#),
        PolicyCase(overrides(#"[{"keys": ["qa-1"], "arm": "candidate"}, {"keys": ["qa-1"], "arm": "baseline"}]"#),
                   "overrides[1].keys[0]", #"duplicate key "qa-1" (already at overrides[0].keys[0])"#),
        PolicyCase(overrides(#"[{"keys": ["a"], "equals": "1", "arm": "candidate"}]"#), "overrides[0].equals",
                   #"is not used here: a keys rule lists its keys in "keys""#),
        PolicyCase(overrides(#"[{"attribute": "heder:X-Canary", "equals": "always", "arm": "candidate"}]"#),
                   "overrides[0].attribute",
                   #"must be "header:<name>", "cookie:<name>" or "segment", found "heder:X-Canary"; did you mean "header:X-Canary"?"#),
        PolicyCase(overrides(#"[{"attribute": "query:x", "equals": "1", "arm": "candidate"}]"#), "overrides[0].attribute",
                   #"must be "header:<name>", "cookie:<name>" or "segment", found "query:x""#),
        PolicyCase(overrides(#"[{"attribute": "header:", "equals": "1", "arm": "candidate"}]"#), "overrides[0].attribute",
                   #"the header name after "header:" must be 1 or more letters, digits or !#$%&'*+-.^_`|~, found """#),
        PolicyCase(overrides(#"[{"attribute": "cookie:a b", "equals": "1", "arm": "candidate"}]"#), "overrides[0].attribute",
                   #"the cookie name after "cookie:" must be 1 or more letters, digits or !#$%&'*+-.^_`|~, found "a b""#),
        PolicyCase(overrides(#"[{"attribute": "header:X-Canary", "arm": "candidate"}]"#), "overrides[0].equals",
                   #"missing required key "equals""#),
        PolicyCase(overrides(#"[{"attribute": "header:X-Canary", "equals": "", "arm": "candidate"}]"#),
                   "overrides[0].equals", "must be 1 to 256 bytes long, found 0"),
        PolicyCase(overrides(#"[{"attribute": "header:X-Canary", "equals": 1, "arm": "candidate"}]"#),
                   "overrides[0].equals", "expected a string, found number"),
        PolicyCase(overrides(#"[{"attribute": "cookie:canary", "equals": "1", "in": ["1"], "arm": "candidate"}]"#),
                   "overrides[0].in", #"is not used here: a cookie rule compares one value, in "equals""#),
        PolicyCase(overrides(#"[{"attribute": "header:X-Canary", "equals": "always", "arm": "candidate"}, "#
                             + #"{"attribute": "header:x-canary", "equals": "always", "arm": "baseline"}]"#),
                   "overrides[1]", "matches the same requests as overrides[0] (the first matching rule wins, so this one never applies)"),
        PolicyCase(overrides(#"[{"attribute": "segment", "arm": "baseline"}]"#), "overrides[0].in", #"missing required key "in""#),
        PolicyCase(overrides(#"[{"attribute": "segment", "in": [], "arm": "baseline"}]"#), "overrides[0].in",
                   "must list at least one segment"),
        PolicyCase(overrides(#"[{"attribute": "segment", "equals": "premium", "in": ["premium"], "arm": "baseline"}]"#),
                   "overrides[0].equals", #"is not used here: a segment rule lists its segments in "in""#),
        PolicyCase(overrides(#"[{"attribute": "segment", "in": ["premium"], "arm": "baseline"}, "#
                             + #"{"attribute": "segment", "in": ["gold", "premium"], "arm": "candidate"}]"#),
                   "overrides[1].in[1]", #"duplicate segment "premium" (already at overrides[0].in[0])"#),
    ]

    @Test("each overrides mistake yields exactly its one problem, path and message", arguments: problems)
    func singleProblem(_ row: PolicyCase) {
        let problems = PolicyFixtures.problems(row.source)
        #expect(problems.map(\.path) == [row.path])
        #expect(problems.map(\.message) == [row.message])
    }

    struct Valid: Sendable, CustomTestStringConvertible {
        var json: String
        var rules: [OverrideRule]
        var testDescription: String { json }
    }

    static let valid: [Valid] = [
        Valid(json: "[]", rules: []),
        Valid(json: "null", rules: []),
        Valid(json: #"[{"keys": ["merchant-qa-1", "merchant-qa-2"], "arm": "candidate"}]"#,
              rules: [OverrideRule(match: .keys(["merchant-qa-1", "merchant-qa-2"]), arm: .candidate)]),
        Valid(json: #"[{"attribute": "header:X-Canary", "equals": "always", "arm": "candidate", "evenWhenRolledBack": true},"#
                  + #" {"attribute": "cookie:Canary", "equals": "1", "arm": "candidate", "evenWhenRolledBack": false},"#
                  + #" {"attribute": "segment", "in": ["premium", "enterprise"], "arm": "baseline"}]"#,
              rules: [OverrideRule(match: .header(name: "x-canary", equals: "always"), arm: .candidate, evenWhenRolledBack: true),
                      OverrideRule(match: .cookie(name: "Canary", equals: "1"), arm: .candidate),
                      OverrideRule(match: .segment(["premium", "enterprise"]), arm: .baseline)]),
    ]

    @Test("valid overrides, header names lower-cased, and the rendering parses back", arguments: valid)
    func parses(_ row: Valid) throws {
        let policy = try PolicyParser.parse(PolicyFixtures.policy(Self.overrides(row.json))).get()
        #expect(policy.overrides == row.rules)
        let again = try PolicyParser.parse(PolicyParser.render(policy).rendered()).get()
        #expect(again == policy)
    }

    @Test func renderingWritesTheRulesInOrderAndLeavesNoneOut() throws {
        let json = #"[{"attribute": "header:X-Canary", "equals": "always", "arm": "candidate", "evenWhenRolledBack": true},"#
            + #" {"attribute": "segment", "in": ["premium"], "arm": "baseline"}, {"keys": ["k"], "arm": "candidate"}]"#
        let policy = try PolicyParser.parse(PolicyFixtures.policy(Self.overrides(json))).get()
        #expect(PolicyParser.render(overrides: policy.overrides).rendered()
                == #"[{"attribute":"header:x-canary","equals":"always","arm":"candidate","evenWhenRolledBack":true},"#
                + #"{"attribute":"segment","in":["premium"],"arm":"baseline"},{"keys":["k"],"arm":"candidate"}]"#)
        let none = try PolicyParser.parse(PolicyFixtures.policy()).get()
        #expect(!PolicyParser.render(none).rendered().contains("overrides"))
    }

    @Test func exactlyTheLimitsAreAccepted() throws {
        let rules = "[" + (0..<32).map { #"{"keys": ["k\#($0)"], "arm": "candidate"}"# }.joined(separator: ", ") + "]"
        #expect(try PolicyParser.parse(PolicyFixtures.policy(Self.overrides(rules))).get().overrides.count == 32)
        let keys = #"[{"keys": ["# + (0..<1000).map { "\"k\($0)\"" }.joined(separator: ", ") + #"], "arm": "baseline"}]"#
        #expect(try PolicyParser.parse(PolicyFixtures.policy(Self.overrides(keys))).get().overrides.count == 1)
        let edge = String(repeating: "é", count: 128)  // 256 bytes
        let one = "[{\"keys\": [\"\(edge)\"], \"arm\": \"candidate\"}]"
        #expect(try PolicyParser.parse(PolicyFixtures.policy(Self.overrides(one))).get().overrides.count == 1)
    }

    @Test func severalMistakesAreAllReported() {
        let json = #"[{"keys": [], "arm": "x"}, {"attribute": "segment", "in": ["a", "a"], "arm": "baseline"}]"#
        let problems = PolicyFixtures.problems(PolicyFixtures.policy(Self.overrides(json)))
        #expect(problems.map(\.path) == ["overrides[0].arm", "overrides[0].keys", "overrides[1].in[1]"])
    }

    struct Phased: Sendable, CustomTestStringConvertible {
        var arm: Arm
        var even: Bool
        var phase: Phase
        var applies: Bool
        var testDescription: String { "\(arm) even=\(even) \(phase.rawValue) -> \(applies)" }
    }

    static let phased: [Phased] = Phase.allCases.flatMap { phase in
        [Phased(arm: .baseline, even: false, phase: phase, applies: true),
         Phased(arm: .candidate, even: true, phase: phase, applies: true),
         Phased(arm: .candidate, even: false, phase: phase, applies: phase != .rolledBack && phase != .paused)]
    }

    @Test("rollback and pause override candidate rules unless evenWhenRolledBack; baseline rules always apply",
          arguments: phased)
    func ruleInForce(_ row: Phased) {
        let rule = OverrideRule(match: .keys(["k"]), arm: row.arm, evenWhenRolledBack: row.even)
        #expect(rule.applies(in: row.phase) == row.applies)
    }
}
