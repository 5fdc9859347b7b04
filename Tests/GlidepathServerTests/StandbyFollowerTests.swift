import Foundation
import GlidepathCore
import HTTPServer
import Testing
@testable import GlidepathServer

@Suite struct StandbyFollowerTests {
    @Test func followedWeightsAreByteIdenticalWithTheSameETag() throws {
        let w = StandbyWorld()
        try w.apply()
        #expect(w.follower.followOnce() == nil)
        let p = w.primaryGet("/v1/migrations/chat-completions/weights")
        let s = w.standbyGet("/v1/migrations/chat-completions/weights")
        #expect(s.status == 200)
        #expect(s.body == p.body)
        #expect(s.headers["ETag"] == "\"1\"")
        #expect(s.headers["ETag"] == p.headers["ETag"])
        #expect(s.headers["Cache-Control"] == p.headers["Cache-Control"])
        #expect(w.standbyGet("/v1/migrations/chat-completions/weights", [("If-None-Match", "\"1\"")]).status == 304)
        #expect(w.standbyGet("/v1/migrations/nope/weights").status == 404)
        #expect(w.standbyGet("/v1/migrations").list.first?["revision"] as? Int == 1)
        #expect(try w.store.loadFollowed().map(\.revision) == [1])
    }

    @Test func anUnchangedMigrationIsRevalidatedWithIfNoneMatchAnd304() throws {
        let w = StandbyWorld()
        try w.apply()
        w.follower.followOnce()
        w.transport.clearLog()
        #expect(w.follower.followOnce() == nil)
        let log = w.transport.log
        #expect(log.map(\.status) == [200, 304])
        #expect(log.last?.url == FakePrimaryTransport.base + "/v1/migrations/chat-completions/weights")
    }

    @Test func anAdvanceOnThePrimaryIsFollowedWithItsDecisions() throws {
        let w = StandbyWorld()
        try w.apply()
        w.follower.followOnce()
        _ = try w.primary.controller.perform(.advance, migration: "chat-completions", reason: "go")
        #expect(w.follower.followOnce() == nil)
        let f = try #require(w.follower.state.migration("chat-completions"))
        #expect(f.revision == 2)
        #expect(f.step == 1)
        #expect(f.candidateWeight == Weight(basisPoints: 5000))
        let decisions = w.standbyGet("/v1/migrations/chat-completions/decisions?limit=1",
                                     [("Authorization", "Bearer standby-admin")])
        #expect(decisions.status == 200)
        #expect(decisions.list.map { $0["action"] as? String } == ["advance"])
        #expect(w.standbyGet("/v1/migrations/chat-completions/decisions").status == 401)
    }

    @Test(arguments: [
        (FollowResponse(status: 200, body: Array("not json".utf8)), FollowError.Kind.malformed),
        (FollowResponse(status: 200, body: Array(#"{"migration":"other","revision":9}"#.utf8)), .malformed),
        (FollowResponse(status: 200, body: Array(repeating: 32, count: 100), tooLarge: true), .tooLarge),
        (FollowResponse(status: 500, body: []), .httpStatus),
        (FollowResponse.unreachable("connection reset"), .unreachable),
    ])
    func aBadWeightsAnswerIsAClearErrorAndKeepsTheOldState(answer: FollowResponse, kind: FollowError.Kind) throws {
        let w = StandbyWorld()
        try w.apply()
        w.follower.followOnce()
        let before = try #require(w.follower.state.migration("chat-completions"))
        _ = try w.primary.controller.perform(.advance, migration: "chat-completions", reason: nil)
        w.transport.override("/v1/migrations/chat-completions/weights", answer)
        let error = try #require(w.follower.followOnce())
        #expect(error.kind == kind)
        #expect(error.message.contains("chat-completions"))
        #expect(w.follower.state.migration("chat-completions") == before)
        #expect(w.standbyGet("/v1/migrations/chat-completions/weights").body == before.weightsBody)
        #expect(w.follower.metrics.followErrors.value(labels: [kind.rawValue]) == 1)
        #expect(w.follower.metrics.following.value(labels: [FakePrimaryTransport.base]) == 0)
    }

    @Test func aHugeOrGarbageListKeepsEverything() throws {
        let w = StandbyWorld()
        try w.apply()
        w.follower.followOnce()
        w.transport.override("/v1/migrations", FollowResponse(status: 200, body: Array("[{]".utf8)))
        #expect(w.follower.followOnce()?.kind == .malformed)
        w.transport.override("/v1/migrations", FollowResponse(status: 200, body: [], tooLarge: true))
        #expect(w.follower.followOnce()?.kind == .tooLarge)
        #expect(w.follower.state.names == ["chat-completions"])
    }

    @Test func aRevisionGoingBackwardsIsRefused() throws {
        let w = StandbyWorld()
        try w.apply()
        _ = try w.primary.controller.perform(.advance, migration: "chat-completions", reason: nil)
        w.follower.followOnce()
        let old = WeightsDocument(migration: "chat-completions", revision: 1, phase: .ramping, step: 0, baseline: "openai",
                                  candidate: "holysheep", candidateWeight: Weight(basisPoints: 500), pollAfterSeconds: 5)
        w.transport.override("/v1/migrations/chat-completions/weights",
                             FollowResponse(status: 200, etag: "\"1\"", body: old.body))
        let error = try #require(w.follower.followOnce())
        #expect(error.kind == .backwards)
        #expect(error.message.contains("revision 1 of chat-completions but this standby followed revision 2"))
        #expect(w.follower.state.migration("chat-completions")?.revision == 2)
    }

    @Test func anUnreachablePrimaryIsReportedOnceAndTheWeightsStayServed() throws {
        let w = StandbyWorld()
        try w.apply()
        w.follower.followOnce()
        #expect(w.follower.state.health.following)
        w.transport.setDown(true)
        #expect(w.follower.followOnce()?.kind == .unreachable)
        w.follower.followOnce()
        let h = w.follower.state.health
        #expect(!h.following)
        #expect(h.unreachableSince == Fixture.start)
        #expect(h.problem?.hasPrefix("primary http://primary.test:8470 unreachable since 2025-11-24T16:00:00") == true)
        #expect(w.standbyGet("/v1/migrations/chat-completions/weights").status == 200)
        #expect(w.standbyGet("/readyz").status == 200)
        #expect(w.standbyGet("/v1/standby").object["following"] as? Bool == false)
        w.transport.setDown(false)
        #expect(w.follower.followOnce() == nil)
        #expect(w.follower.state.health.unreachableSince == nil)
        #expect(w.follower.metrics.following.value(labels: [FakePrimaryTransport.base]) == 1)
    }

    @Test func aPrimaryGoingAwayMidRoundEndsTheRound() throws {
        let w = StandbyWorld()
        try w.apply("a")
        try w.apply("b")
        w.transport.override("/v1/migrations/a/weights", .unreachable("connection refused"))
        #expect(w.follower.followOnce()?.kind == .unreachable)
        #expect(!w.transport.log.contains { $0.url.hasSuffix("/v1/migrations/b/weights") })
        w.transport.override("/v1/migrations/a/weights", nil)
        #expect(w.follower.followOnce() == nil)
        #expect(w.follower.state.names == ["a", "b"])
    }

    @Test func aMigrationThePrimaryNoLongerListsIsDropped() throws {
        let w = StandbyWorld()
        try w.apply()
        w.follower.followOnce()
        w.transport.override("/v1/migrations", FollowResponse(status: 200, body: Array("[]".utf8)))
        #expect(w.follower.followOnce() == nil)
        #expect(w.follower.state.names.isEmpty)
        #expect(try w.store.loadFollowed().isEmpty)
        #expect(w.standbyGet("/v1/migrations/chat-completions/weights").status == 404)
    }

    @Test func aFailingStandbyStoreStillServesTheNewWeightsAndSaysSo() throws {
        let w = StandbyWorld()
        try w.apply()
        w.store.setFailing(true)
        #expect(w.follower.followOnce()?.kind == .store)
        #expect(w.follower.state.migration("chat-completions")?.revision == 1)
    }

    @Test func readinessWaitsForTheFirstFollowOrRestoredState() throws {
        let w = StandbyWorld()
        try w.apply()
        #expect(w.standbyGet("/readyz").status == 503)
        w.follower.followOnce()
        #expect(w.standbyGet("/readyz").status == 200)
        let restored = try #require(w.follower.state.migration("chat-completions"))
        let again = StandbyWorld(restored: [restored])
        again.transport.setDown(true)
        #expect(again.standbyGet("/readyz").status == 200)
        #expect(again.standbyGet("/v1/migrations/chat-completions/weights").body == restored.weightsBody)
    }
}

@Suite struct StandbyConfigTests {
    @Test(arguments: [
        (true, "http://10.0.0.5:8470/", nil as String?, "http://10.0.0.5:8470", 1.0),
        (true, "https://gp.example", "250ms", "https://gp.example", 0.25),
    ])
    func aStandbyConfigIsRead(standby: Bool, primary: String, interval: String?, base: String, seconds: Double) throws {
        let c = try #require(try StandbyConfig.make(standby: standby, primary: primary, followInterval: interval,
                                                    environment: ["GLIDEPATH_ADMIN_TOKEN": "a"]))
        #expect(c.primary == base)
        #expect(c.followInterval == seconds)
        #expect(c.primaryToken == "a")
    }

    @Test(arguments: [
        (true, nil as String?, nil as String?, "--standby needs --primary URL"),
        (true, "ftp://x", nil, "--primary must be an http(s) URL"),
        (true, "http://x", "10ms", "--follow-interval must be a duration from 100ms to 1m"),
        (false, "http://x", nil, "--primary and --follow-interval go with --standby"),
    ])
    func aBadStandbyConfigSaysWhy(standby: Bool, primary: String?, interval: String?, message: String) {
        #expect {
            _ = try StandbyConfig.make(standby: standby, primary: primary, followInterval: interval, environment: [:])
        } throws: { ($0 as? ConfigError)?.message.hasPrefix(message) == true }
    }

    @Test func thePrimaryTokenWinsOverTheAdminToken() throws {
        let c = try StandbyConfig.make(standby: true, primary: "http://x", followInterval: nil,
                                       environment: ["GLIDEPATH_ADMIN_TOKEN": "a", "GLIDEPATH_PRIMARY_TOKEN": "p"])
        #expect(c?.primaryToken == "p")
    }
}
