import Foundation
import GlidepathCore
import HTTPServer
import SQLiteStore
import Testing
@testable import GlidepathServer

/// `POST .../set-weight` and `POST .../back`: what they serve, what they record, when they answer 409/4xx.
@Suite struct OperatorHoldTests {
    let w = Fixture.world()
    let path = "/v1/migrations/chat-completions"
    static let steps = #"[{"weight": 5, "bake": "1m"}, {"weight": 50, "bake": "1m"}, {"weight": 100}]"#

    func post(_ action: String, _ body: String = "", actor: String? = nil) -> HTTPResponse {
        w.router.handle(Fixture.request("POST", path + "/" + action, body: body,
                                        headers: Fixture.admin + (actor.map { [("Glidepath-Actor", $0)] } ?? [])))
    }

    func weightsDocument() -> String {
        String(decoding: w.router.handle(Fixture.request("GET", path + "/weights")).body, as: UTF8.self)
    }

    @Test func setWeightHoldsBelowTheStepAndResumeReturnsToIt() throws {
        #expect(w.router.handle(Fixture.request("PUT", path, body: Fixture.policy(steps: Self.steps),
                                                headers: Fixture.admin)).status == 201)
        #expect(post("advance").status == 200)
        let held = post("set-weight", #"{"weight": 12.5, "reason": "vendor incident"}"#, actor: "alice@laptop")
        #expect(held.status == 200)
        #expect(held.object["state"] as? String == "paused")
        #expect(held.object["heldWeight"] as? Double == 12.5)
        #expect((held.object["weights"] as? [String: Any])?["holysheep"] as? Double == 12.5)
        let last = held.object["lastDecision"] as? [String: Any]
        #expect(last?["action"] as? String == "set_weight")
        #expect(last?["by"] as? String == "alice@laptop")
        #expect(last?["reason"] as? String
                == "operator held the candidate at 12.5% at step 1 (50%); resume returns to 50%: vendor incident")
        #expect(weightsDocument().contains(#""holysheep":12.5"#))
        #expect(w.store.saves.last?.status.heldWeight == Weight(basisPoints: 1_250))

        let resumed = post("resume")
        #expect(resumed.status == 200)
        #expect(resumed.object["state"] as? String == "ramping")
        #expect(resumed.object["heldWeight"] is NSNull)
        #expect(weightsDocument().contains(#""holysheep":50"#))
    }

    @Test("set-weight bodies that make no sense change nothing", arguments: [
        ("", 400, "set-weight needs a body such as {\"weight\": 2.5, \"reason\": \"...\"}"),
        (#"{"reason": "x"}"#, 400, "set-weight needs a weight, such as {\"weight\": 2.5}"),
        (#"{"weight": "2"}"#, 400, "weight must be a number (a percentage), found string"),
        (#"{"weight": 2.555}"#, 422, "weight must be from 0 to 100 with at most two decimals, found 2.555; nothing changed"),
        (#"{"weight": -1}"#, 422, "weight must be from 0 to 100 with at most two decimals, found -1; nothing changed"),
        (#"{"weight": 5}"#, 409, "cannot set the weight of \"chat-completions\" to 5%: an operator hold must be below the current step 0 (5%) and at least 0% (advance or promote raise it)"),
    ])
    func refused(body: String, status: Int, message: String) {
        #expect(w.router.handle(Fixture.request("PUT", path, body: Fixture.policy(steps: Self.steps),
                                                headers: Fixture.admin)).status == 201)
        let saves = w.store.saves.count
        let r = post("set-weight", body)
        #expect(r.status == status)
        #expect(r.object["error"] as? String == message)
        #expect(w.store.saves.count == saves)
        #expect(w.controller.entry("chat-completions")?.status.phase == .ramping)
    }

    @Test func backGoesOneStepDownAndIsRefusedAtStepZero() {
        #expect(w.router.handle(Fixture.request("PUT", path, body: Fixture.policy(steps: Self.steps),
                                                headers: Fixture.admin)).status == 201)
        let refused = post("back")
        #expect(refused.status == 409)
        #expect(refused.object["error"] as? String
                == "cannot go back on \"chat-completions\": it is at step 0 (5%), the first step (rollback goes to 0%)")
        #expect(post("advance").status == 200)
        let back = post("back", #"{"reason": "p99 creeping"}"#, actor: "bob@ops")
        #expect(back.status == 200)
        #expect(back.object["step"] as? Int == 0)
        #expect(back.object["state"] as? String == "ramping")
        #expect((back.object["lastDecision"] as? [String: Any])?["action"] as? String == "back")
        #expect((back.object["lastDecision"] as? [String: Any])?["by"] as? String == "bob@ops")
        #expect(post("rollback").status == 200)
        #expect(post("back").status == 409)
    }

    @Test func theHoldSurvivesARestart() throws {
        try TempDirectory.with { dir in
            let name = "chat-completions"
            let store = try SQLiteMigrationStore(path: dir.file("g.db"))
            let clock = ManualTimeSource(Fixture.start)
            let first = Controller(store: store, time: clock)
            _ = try first.apply(policySource: Fixture.policy(steps: Self.steps), name: name)
            _ = try first.perform(.advance, migration: name, reason: nil)
            _ = try first.perform(.setWeight, migration: name, reason: "incident", weight: Weight(basisPoints: 2_000))
            store.close()
            let reopened = try SQLiteMigrationStore(path: dir.file("g.db"))
            defer { reopened.close() }
            let second = Controller(store: reopened, time: clock)
            #expect(try second.load() == 1)
            let e = try #require(second.entry(name))
            #expect(e.status.phase == .paused)
            #expect(e.status.heldWeight == Weight(basisPoints: 2_000))
            #expect(e.status.candidateWeight(e.policy) == Weight(basisPoints: 2_000))
        }
    }
}
