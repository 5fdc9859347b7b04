import Foundation
import GlidepathCore
import Testing
@testable import GlidepathServer

@Suite struct StandbyPromotionTests {
    static func followed(phase: Phase = .ramping, step: Int = 1, weight: Int = 5000, revision: Int64 = 7,
                         baseline: String = "openai", candidate: String = "holysheep") throws -> FollowedMigration {
        let doc = WeightsDocument(migration: "chat-completions", revision: revision, phase: phase, step: step,
                                  baseline: baseline, candidate: candidate,
                                  candidateWeight: Weight(basisPoints: weight), pollAfterSeconds: 5)
        return try FollowedMigration.parse(name: "chat-completions", body: doc.body, etag: doc.etag,
                                           cacheControl: doc.cacheControl, followedAt: Fixture.start)
    }

    static func file(_ source: String = Fixture.policy()) -> PolicyFile {
        PolicyFile(path: "policies/chat.json", source: source, result: PolicyParser.parse(source, zones: SystemTimeZones()))
    }

    static let now = TimeReading(Fixture.start)

    @Test func theFollowedStateIsTakenOverAtTheNextRevision() throws {
        let changes = try StandbyPromotion.plan(followed: [try Self.followed()], files: [Self.file()],
                                                policiesDirectory: "policies", primary: "http://p:8470", now: Self.now).get()
        #expect(changes.count == 1)
        let c = try #require(changes.first)
        #expect(c.status.revision == 8)
        #expect(c.status.phase == .ramping)
        #expect(c.status.step == 1)
        #expect(c.status.policyVersion == 1)
        #expect(c.status.stepStartedAt == Fixture.start)
        #expect(c.judge == .initial)
        #expect(c.newPolicySource == Fixture.policy())
        #expect(c.decision?.action == .created)
        #expect(c.decision?.candidateWeight == Weight(basisPoints: 5000))
        #expect(c.decision?.reason.hasPrefix("taken over from the primary http://p:8470 (followed at revision 7)") == true)
    }

    @Test func aHeldWeightWhilePausedIsKept() throws {
        let f = try Self.followed(phase: .paused, step: 1, weight: 200)
        let c = try #require(try StandbyPromotion.plan(followed: [f], files: [Self.file()], policiesDirectory: "p",
                                                       primary: "http://p", now: Self.now).get().first)
        #expect(c.status.heldWeight == Weight(basisPoints: 200))
        #expect(c.status.phase == .paused)
    }

    @Test(arguments: [
        ("missing", "no policy file for it in policies"),
        ("arms", "the primary served arms openai/holysheep but the policy has openai/other"),
        ("weight", "the primary served 30% to holysheep at step 1 but the policy's step 1 gives 50%"),
        ("step", "the primary was at step 5 but the policy has 3 step(s)"),
    ])
    func aMismatchRefusesTheWholePromotion(case name: String, message: String) throws {
        var followed = try Self.followed()
        var files = [Self.file()]
        switch name {
        case "missing": files = []
        case "arms": files = [Self.file(Fixture.policy(candidate: "other"))]
        case "weight": followed = try Self.followed(weight: 3000)
        default: followed = try Self.followed(step: 5)
        }
        let result = StandbyPromotion.plan(followed: [followed], files: files, policiesDirectory: "policies",
                                           primary: "http://p", now: Self.now)
        guard case .failure(let e) = result else {
            Issue.record("promotion must be refused")
            return
        }
        #expect(e.status == 409)
        #expect(e.message.hasPrefix("not promoted, nothing changed (still a standby): migration chat-completions: "))
        #expect(e.message.contains(message))
    }

    @Test func aTakenOverMigrationLoadsAndTheControllerServesItAtTheNewRevision() throws {
        let store = FailableStore()
        let changes = try StandbyPromotion.plan(followed: [try Self.followed()], files: [Self.file()],
                                                policiesDirectory: "p", primary: "http://p", now: Self.now).get()
        for c in changes { try store.save(c) }
        let controller = Controller(store: store, time: ManualTimeSource(Fixture.start))
        #expect(try controller.load() == 1)
        let doc = try #require(controller.served("chat-completions")?.weights)
        #expect(doc.revision == 8)
        #expect(String(decoding: doc.body, as: UTF8.self).contains(#""weights":{"openai":50,"holysheep":50}"#))
        let (outcome, _) = try controller.apply(policySource: Fixture.policy(), name: "chat-completions")
        #expect(outcome == .unchanged)
    }
}
