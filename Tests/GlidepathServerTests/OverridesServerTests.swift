import GlidepathCore
import Testing
@testable import GlidepathServer

/// Overrides on the controller side: the weights document carries the policy's rules (and changes with the
/// revision only), and `forced=1` lines count in `glidepath_forced_requests_total`, never as evidence.
@Suite struct OverridesServerTests {
    let w = Fixture.world()
    let name = "chat-completions"
    static let rules = #", "overrides": [{"attribute": "header:X-Canary", "equals": "always", "arm": "candidate"}, "#
        + #"{"attribute": "cookie:canary", "equals": "1", "arm": "candidate"}, "#
        + #"{"attribute": "segment", "in": ["premium"], "arm": "baseline"}, "#
        + #"{"keys": ["qa-1"], "arm": "candidate", "evenWhenRolledBack": true}]"#
    static let rendered = #","overrides":[{"attribute":"header:x-canary","equals":"always","arm":"candidate"},"#
        + #"{"attribute":"cookie:canary","equals":"1","arm":"candidate"},"#
        + #"{"attribute":"segment","in":["premium"],"arm":"baseline"},"#
        + #"{"keys":["qa-1"],"arm":"candidate","evenWhenRolledBack":true}]}"#

    func put(_ extra: String = rules) -> Int {
        w.router.handle(Fixture.request("PUT", "/v1/migrations/\(name)", body: Fixture.policy(extra: extra),
                                        headers: Fixture.admin)).status
    }

    func weights() -> (body: String, etag: String?) {
        let r = w.router.handle(Fixture.request("GET", "/v1/migrations/\(name)/weights"))
        return (r.text, r.headers["ETag"])
    }

    @Test func theDocumentEndsWithTheRulesAfterTheBreaker() {
        #expect(put() == 201)
        let doc = weights()
        #expect(doc.body.hasSuffix(#""breaker":{"consecutiveErrors":5,"openSeconds":30}"# + Self.rendered))
        #expect(doc.etag == #""1""#)
    }

    @Test func aPolicyWithoutRulesHasNoOverridesMember() {
        #expect(put("") == 201)
        #expect(!weights().body.contains("overrides"))
    }

    @Test func changingOnlyTheRulesIsANewRevisionAndANewETag() {
        #expect(put() == 201)
        let before = weights()
        #expect(put(#", "overrides": [{"keys": ["qa-2"], "arm": "candidate"}]"#) == 200)
        let after = weights()
        #expect(after.etag != before.etag)
        #expect(after.body.hasSuffix(#","overrides":[{"keys":["qa-2"],"arm":"candidate"}]}"#))
        // Same policy again: the document, and so its ETag, stays as it is.
        #expect(put(#", "overrides": [{"keys": ["qa-2"], "arm": "candidate"}]"#) == 200)
        #expect(weights().body == after.body)
    }

    @Test func aBadRuleIsRefusedWithItsPath() {
        let r = w.router.handle(Fixture.request("PUT", "/v1/migrations/\(name)",
                                                body: Fixture.policy(extra: #", "overrides": [{"keys": [], "arm": "canary"}]"#),
                                                headers: Fixture.admin))
        #expect(r.status == 422)
        #expect(r.text.contains("overrides[0].keys"))
        #expect(r.text.contains("overrides[0].arm"))
    }

    @Test func forcedLinesCountApartAndNeverAsRequests() {
        #expect(put() == 201)
        let text0 = w.router.handle(Fixture.request("GET", "/metrics")).text
        #expect(text0.contains(#"glidepath_forced_requests_total{migration="chat-completions",arm="holysheep"} 0"#))
        #expect(text0.contains(#"glidepath_forced_requests_total{migration="chat-completions",arm="openai"} 0"#))
        let body = "holysheep 200 100 forced=1\nholysheep 500 100 forced=1 tokens=9\nopenai 200 50 forced=1\nopenai 200 50\n"
        let r = w.router.handle(Fixture.request("POST", "/v1/migrations/\(name)/observations", body: body,
                                                headers: Fixture.ingest))
        #expect(r.status == 202)
        #expect(r.text == #"{"accepted":4}"#)
        let m = w.controller.metrics
        #expect(m.forcedRequests.value(labels: [name, "holysheep"]) == 2)
        #expect(m.forcedRequests.value(labels: [name, "openai"]) == 1)
        #expect(m.requests.value(labels: [name, "holysheep", "ok", "2xx"]) == 0)
        #expect(m.requests.value(labels: [name, "holysheep", "error", "5xx"]) == 0)
        #expect(m.requests.value(labels: [name, "openai", "ok", "2xx"]) == 1)
        #expect(m.tokens.value(labels: [name, "holysheep"]) == 0)
    }

    @Test func aBadForcedValueRefusesTheBatch() {
        #expect(put() == 201)
        let r = w.router.handle(Fixture.request("POST", "/v1/migrations/\(name)/observations",
                                                body: "openai 200 1\nholysheep 200 1 forced=yes\n", headers: Fixture.ingest))
        #expect(r.status == 400)
        #expect(r.text.contains(#""line":2"#))
        #expect(w.controller.metrics.requests.value(labels: [name, "openai", "ok", "2xx"]) == 0)
    }

    @Test func onAShadowStepTheMirrorComesBeforeTheRules() {
        let steps = #"[{"weight": 0, "mirror": 100, "bake": "1h"}, {"weight": 100}]"#
        let r = w.router.handle(Fixture.request("PUT", "/v1/migrations/\(name)",
                                                body: Fixture.policy(steps: steps, extra: Self.rules), headers: Fixture.admin))
        #expect(r.status == 201)
        #expect(weights().body.hasSuffix(#""breaker":{"consecutiveErrors":5,"openSeconds":30},"mirror":100"# + Self.rendered))
    }

    @Test func aLineBothForcedAndMirroredRefusesTheBatch() {
        #expect(put() == 201)
        let r = w.router.handle(Fixture.request("POST", "/v1/migrations/\(name)/observations",
                                                body: "holysheep 200 1 mirror=1\nholysheep 200 1 forced=1 mirror=1\n",
                                                headers: Fixture.ingest))
        #expect(r.status == 400)
        #expect(r.text.contains(#""line":2"#) && r.text.contains("never mirrored"))
        #expect(w.controller.metrics.observationsRejected.value(labels: ["bad_field"]) == 1)
        #expect((w.controller.metrics.mirrored.value(labels: [name]) ?? 0) == 0)
    }
}
