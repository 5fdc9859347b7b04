import GlidepathCore
import HTTPServer
import Testing
@testable import GlidepathServer

/// Shadow steps on the controller: the weights document's `mirror`, `mirror=1` ingest lines counted in
/// `glidepath_mirrored_requests_total`, and the share on status and the status page.
@Suite struct MirrorServerTests {
    let w = Fixture.world()
    let shadowSteps = #"[{"weight": 0, "mirror": 100, "bake": "1h"}, {"weight": 10, "mirror": 50}, {"weight": 100}]"#
    let weightsPath = "/v1/migrations/chat-completions/weights"

    func create() {
        let r = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions",
                                                body: Fixture.policy(steps: shadowSteps), headers: Fixture.admin))
        #expect(r.status == 201)
    }

    func act(_ action: String) -> HTTPResponse {
        w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/\(action)", headers: Fixture.admin))
    }

    var mirrored: Double? { w.controller.metrics.mirrored.value(labels: ["chat-completions"]) }

    @Test(arguments: Phase.allCases)
    func theDocumentCarriesTheMirrorOnlyWhileLive(_ phase: Phase) throws {
        let policy = try PolicyParser.parse(Fixture.policy(steps: shadowSteps)).get()
        let status = MigrationStatus(migration: "chat-completions", policyVersion: 1, phase: phase, step: 0, revision: 3,
                                     stepStartedAt: 0, updatedAt: 0, reason: "")
        let text = String(decoding: WeightsDocument(status: status, policy: policy).body, as: UTF8.self)
        let live = phase == .ramping || phase == .waiting || phase == .paused
        #expect(text.hasSuffix(#""breaker":{"consecutiveErrors":5,"openSeconds":30}"# + (live ? #","mirror":100}"# : "}")))
        if phase != .promoted { #expect(text.contains(#""weights":{"openai":100,"holysheep":0}"#)) }
    }

    @Test func aShadowStepIsServedAndARollbackStopsTheMirror() {
        create()
        #expect(w.router.handle(Fixture.request("GET", weightsPath)).text.hasSuffix(#""openSeconds":30},"mirror":100}"#))
        let advanced = act("advance")
        #expect(advanced.status == 200)
        let live = w.router.handle(Fixture.request("GET", weightsPath)).text
        #expect(live.contains(#""weights":{"openai":90,"holysheep":10}"#) && live.hasSuffix(#","mirror":50}"#))
        #expect(act("rollback").status == 200)
        let rolled = w.router.handle(Fixture.request("GET", weightsPath)).text
        #expect(rolled.contains(#""state":"rolled_back""#) && !rolled.contains("mirror"))
    }

    @Test func mirrorLinesAreCandidateRequestsAndCounted() {
        create()
        #expect(mirrored == 0)
        #expect(w.router.handle(Fixture.request("GET", "/metrics")).text
            .contains(#"glidepath_mirrored_requests_total{migration="chat-completions"} 0"#))
        let body = "openai 200 100\nholysheep 200 120 mirror=1\nholysheep 503 80 mirror=1\n"
        let r = w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/observations", body: body,
                                                headers: Fixture.ingest))
        #expect(r.status == 202)
        #expect(mirrored == 2)
        #expect(w.controller.metrics.requests.value(labels: ["chat-completions", "holysheep", "ok", "2xx"]) == 1)
        #expect(w.controller.metrics.requests.value(labels: ["chat-completions", "holysheep", "error", "5xx"]) == 1)
        let bad = w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/observations",
                                                  body: "openai 200 100 mirror=1\n", headers: Fixture.ingest))
        #expect(bad.status == 400)
        #expect(mirrored == 2)
        #expect(w.controller.metrics.observationsRejected.value(labels: ["bad_field"]) == 1)
    }

    @Test func statusAndTheStatusPageShowTheShadowShare() {
        create()
        let full = w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions", headers: Fixture.admin)).object
        #expect(full["mirror"] as? Int == 100)
        let steps = (full["policy"] as? [String: Any])?["steps"] as? [[String: Any]] ?? []
        #expect(steps.map { $0["mirror"] as? Int } == [100, 50, nil])
        #expect(full["reason"] as? String == "migration created with policy version 1; starting at step 0 (0%, shadow 100%)")
        let list = w.router.handle(Fixture.request("GET", "/v1/migrations", headers: Fixture.admin)).list
        #expect(list.first?["mirror"] as? Int == 100)
        let page = w.router.handle(Fixture.request("GET", "/migrations/chat-completions")).text
        #expect(page.contains("step 0 · shadow 100% · bake 1h"))
        #expect(page.contains("step 1 · shadow 50% · no bake"))
        #expect(page.contains("shadow 100%: requests the baseline serves in buckets below 100% are also sent to holysheep"))
        let overview = w.router.handle(Fixture.request("GET", "/")).text
        #expect(overview.contains("<div class=\"muted small\">shadow 100%</div>"))
        #expect(act("rollback").status == 200)
        #expect(!w.router.handle(Fixture.request("GET", "/")).text.contains("<div class=\"muted small\">shadow"))
    }
}
