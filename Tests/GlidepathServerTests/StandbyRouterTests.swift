import Foundation
import GlidepathCore
import HTTPServer
import Testing
@testable import GlidepathServer

@Suite struct StandbyRouterTests {
    static let writes: [(String, String)] = [
        ("PUT", "/v1/migrations/chat-completions"),
        ("DELETE", "/v1/migrations/chat-completions"),
        ("POST", "/v1/migrations/chat-completions/observations"),
        ("POST", "/v1/migrations/chat-completions/pause"),
        ("POST", "/v1/migrations/chat-completions/resume"),
        ("POST", "/v1/migrations/chat-completions/advance"),
        ("POST", "/v1/migrations/chat-completions/promote"),
        ("POST", "/v1/migrations/chat-completions/rollback"),
        ("POST", "/v1/migrations/chat-completions/restart"),
        ("POST", "/v1/migrations/chat-completions/set-weight"),
        ("POST", "/v1/migrations/chat-completions/back"),
        ("PUT", "/v1/migrations/new-one"),
    ]

    @Test(arguments: writes)
    func everyWriteAnswers503NamingThePrimaryFromTheHead(method: String, path: String) throws {
        let w = StandbyWorld()
        try w.apply()
        w.follower.followOnce()
        let request = Fixture.request(method, path, body: "x", headers: [("Authorization", "Bearer standby-admin")])
        guard case .respond(let r) = w.router.head(HTTPRequestHead(request: request, contentLength: 1)) else {
            Issue.record("the head did not answer")
            return
        }
        #expect(r.status == 503)
        #expect(r.headers["Retry-After"] == "5")
        #expect(r.object["error"] as? String == "standby of http://primary.test:8470: send writes to the primary")
        #expect(r.object["primary"] as? String == "http://primary.test:8470")
        #expect(w.router.handle(request).status == 503)
        #expect(w.standbyGet("/v1/migrations/chat-completions").object["revision"] as? Int == 1)
    }

    @Test func promotionNeedsTheAdminTokenAndRunsOnAWorker() {
        let w = StandbyWorld(promote: { .success(.object([("promoted", .bool(true))])) })
        let bare = Fixture.request("POST", "/v1/standby/promote")
        guard case .respond(let r) = w.router.head(HTTPRequestHead(request: bare)) else {
            Issue.record("no token must be refused from the head")
            return
        }
        #expect(r.status == 401)
        let signed = Fixture.request("POST", "/v1/standby/promote", headers: [("Authorization", "Bearer standby-admin")])
        guard case .offload = w.router.head(HTTPRequestHead(request: signed)) else {
            Issue.record("the promotion must run on a worker")
            return
        }
        #expect(w.router.handle(signed).object["promoted"] as? Bool == true)
        #expect(w.router.handle(Fixture.request("POST", "/v1/standby/promote",
                                                headers: [("Authorization", "Bearer wrong")])).status == 403)
    }

    @Test func statusAndMetricsSayWhatIsFollowed() throws {
        let w = StandbyWorld()
        try w.apply()
        w.follower.followOnce()
        let status = w.standbyGet("/v1/migrations/chat-completions").object
        #expect(status["state"] as? String == "ramping")
        #expect((status["standby"] as? [String: Any])?["primary"] as? String == "http://primary.test:8470")
        let metrics = w.standbyGet("/metrics").text
        #expect(metrics.contains("glidepath_standby_following{primary=\"http://primary.test:8470\"} 1\n"))
        #expect(metrics.contains("glidepath_revision{migration=\"chat-completions\"} 1\n"))
        #expect(metrics.contains("glidepath_weight_percent{migration=\"chat-completions\",arm=\"holysheep\"} 5\n"))
        #expect(metrics.contains("glidepath_standby_last_follow_timestamp_seconds{primary=\"http://primary.test:8470\"} "))
        #expect(w.standbyGet("/healthz").status == 200)
        #expect(w.standbyGet("/nope").status == 404)
    }
}
