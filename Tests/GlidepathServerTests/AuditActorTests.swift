import Foundation
import GlidepathCore
import HTTPServer
import Testing
@testable import GlidepathServer

/// Operator actions record who acted: the body's `actor`, else the `Glidepath-Actor` header; the
/// decisions API and the status show it as `by`; a name that is not one bounded line is refused.
@Suite struct AuditActorTests {
    let w = Fixture.world()
    let path = "/v1/migrations/chat-completions"

    func create(headers: [(String, String)] = []) -> HTTPResponse {
        w.router.handle(Fixture.request("PUT", path, body: Fixture.policy(), headers: Fixture.admin + headers))
    }

    func lastDecisions() -> [[String: Any]] {
        let r = w.router.handle(Fixture.request("GET", path + "/decisions", headers: Fixture.admin))
        return (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [[String: Any]] ?? []
    }

    @Test func theBodyFieldWinsOverTheHeaderAndBothAreRecorded() throws {
        #expect(create(headers: [("Glidepath-Actor", "ci@build-7")]).status == 201)
        let pause = w.router.handle(Fixture.request("POST", path + "/pause",
                                                    body: #"{"reason": "vendor incident", "actor": "alice@laptop"}"#,
                                                    headers: Fixture.admin + [("Glidepath-Actor", "ignored@x")]))
        #expect(pause.status == 200)
        #expect((pause.object["lastDecision"] as? [String: Any])?["by"] as? String == "alice@laptop")
        let resume = w.router.handle(Fixture.request("POST", path + "/resume", headers: Fixture.admin + [("Glidepath-Actor", "bob@ops")]))
        #expect(resume.status == 200)
        let log = lastDecisions()
        #expect(log.map { $0["action"] as? String } == ["resume", "pause", "created"])
        #expect(log.map { $0["by"] as? String } == ["bob@ops", "alice@laptop", "ci@build-7"])
        #expect(log.map { $0["actor"] as? String } == ["operator", "operator", "operator"])
        #expect(w.store.saves.last?.decision?.by == "bob@ops")
    }

    @Test func anAnonymousActionHasNoByField() {
        #expect(create().status == 201)
        #expect(w.router.handle(Fixture.request("POST", path + "/pause", headers: Fixture.admin)).status == 200)
        let latest = lastDecisions().first
        #expect(latest?["action"] as? String == "pause")
        #expect(latest?.keys.contains("by") == false)
    }

    @Test("a bad actor is refused and nothing changes", arguments: [
        (#"{"actor": 7}"#, [(String, String)](), 400, "actor must be a string such as \"alice@laptop\""),
        (#"{"actor": "alice\nroot@evil"}"#, [], 422, "actor contains the control or formatting character U+000A; use a plain name such as alice@laptop; nothing changed"),
        (#"{"actor": "rlo\u202efdp"}"#, [], 422, "actor contains the control or formatting character U+202E; use a plain name such as alice@laptop; nothing changed"),
        ("", [("Glidepath-Actor", String(repeating: "a", count: 129))], 422, "actor is 129 bytes long; at most 128 are allowed; nothing changed"),
    ])
    func refused(body: String, headers: [(String, String)], status: Int, message: String) {
        #expect(create().status == 201)
        let saves = w.store.saves.count
        let r = w.router.handle(Fixture.request("POST", path + "/pause", body: body, headers: Fixture.admin + headers))
        #expect(r.status == status)
        #expect(r.object["error"] as? String == message)
        #expect(w.store.saves.count == saves)
        #expect(w.controller.entry("chat-completions")?.status.phase == .ramping)
    }

    @Test("actor names", arguments: [
        ("alice@laptop", "alice@laptop"), ("  spaced  ", "spaced"), ("", nil), ("   ", nil),
        ("Zoë@hôte", "Zoë@hôte"), (String(repeating: "é", count: 64), String(repeating: "é", count: 64)),
    ] as [(String, String?)])
    func accepted(text: String, expected: String?) throws {
        #expect(try ActorName.validate(text).get() == expected)
    }
}
