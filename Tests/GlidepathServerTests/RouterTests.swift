import GlidepathCore
import HTTPServer
import Testing
@testable import GlidepathServer

/// Routes in-process: no sockets, the failable in-memory store, a manual clock.
@Suite struct RouterTests {
    let w = Fixture.world()

    @discardableResult
    func create(_ source: String = Fixture.policy()) -> HTTPResponse {
        w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: source, headers: Fixture.admin))
    }

    @Test func putCreatesThenUnchangedThenUpdated() {
        let created = create()
        #expect(created.status == 201)
        #expect(created.object["revision"] as? Int == 1)
        #expect(created.object["state"] as? String == "ramping")
        #expect(created.object["stepStartedAt"] as? String == "2025-11-24T16:00:00.000Z")
        let same = create()
        #expect(same.status == 200)
        #expect(same.object["revision"] as? Int == 1)
        let changed = create(Fixture.policy(steps: #"[{"weight": 5, "bake": "2m"}, {"weight": 100}]"#))
        #expect(changed.status == 200)
        #expect((changed.object["policy"] as? [String: Any])?["version"] as? Int == 2)
        #expect(changed.object["revision"] as? Int == 2)
        #expect(w.store.saves.count == 2)
        // Every step above the current 5 %: refused, nothing stored.
        let higher = create(Fixture.policy(steps: #"[{"weight": 10, "bake": "1m"}, {"weight": 100}]"#))
        #expect(higher.status == 409)
        #expect((higher.object["error"] as? String)?.hasPrefix(
            "cannot apply policy version 3 to \"chat-completions\": every step is above the candidate's current 5%") == true)
        #expect(w.store.saves.count == 2)
        #expect(w.controller.entry("chat-completions")?.status.policyVersion == 2)
    }

    @Test func weightsAreTheExactBytesWithETagAnd304() {
        create()
        let r = w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions/weights"))
        #expect(r.status == 200)
        #expect(r.text == #"{"migration":"chat-completions","revision":1,"state":"ramping","step":0,"baseline":"openai","candidate":"holysheep","weights":{"openai":95,"holysheep":5},"pollAfterSeconds":5,"errorStatuses":[0,429,"5xx"],"breaker":{"consecutiveErrors":5,"openSeconds":30}}"#)
        #expect(r.headers["ETag"] == #""1""#)
        #expect(r.headers["Cache-Control"] == "max-age=5")
        #expect(r.headers["Content-Type"] == "application/json")
        for inm in [#""1""#, #"W/"1""#, "*", #""0", "1""#] {
            let nm = w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions/weights",
                                                     headers: [("If-None-Match", inm), ("Glidepath-Shim", "pod-1")]))
            #expect(nm.status == 304)
            #expect(nm.body.isEmpty)
            #expect(nm.headers["ETag"] == #""1""#)
        }
        #expect(w.controller.metrics.shims.value(labels: ["chat-completions", "1"]) == 1)
        #expect(w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions/weights",
                                                headers: [("If-None-Match", #""0""#)])).status == 200)
        #expect(w.router.handle(Fixture.request("GET", "/v1/migrations/nope/weights")).status == 404)
        w.router.flushHotCounters()
        #expect(w.controller.metrics.httpRequests.value(labels: ["/v1/migrations/{name}/weights", "304"]) == 4)
        #expect(w.controller.metrics.httpRequests.value(labels: ["/v1/migrations/{name}/weights", "404"]) == 1)
        #expect(Router.weightsName("/v1/migrations/a.b-c/weights") == "a.b-c")
        #expect(Router.weightsName("/v1/migrations//weights") == nil)
        #expect(Router.weightsName("/v1/migrations/a/b/weights") == nil)
        #expect(Router.weightsName("/v1/migrations/weights") == nil)
    }

    @Test func observationsAreAllOrNothing() {
        create()
        let path = "/v1/migrations/chat-completions/observations"
        let ok = w.router.handle(Fixture.request("POST", path, body: "openai 200 100\nholysheep 503 2000\nholysheep 404 5 tokens=7\n",
                                                 headers: Fixture.ingest))
        #expect(ok.status == 202)
        #expect(ok.text == #"{"accepted":3}"#)
        let m = w.controller.metrics
        #expect(m.requests.value(labels: ["chat-completions", "openai", "ok", "2xx"]) == 1)
        #expect(m.requests.value(labels: ["chat-completions", "holysheep", "error", "5xx"]) == 1)
        #expect(m.requests.value(labels: ["chat-completions", "holysheep", "client_error", "4xx"]) == 1)
        #expect(m.tokens.value(labels: ["chat-completions", "holysheep"]) == 7)

        let bad = w.router.handle(Fixture.request("POST", path, body: "openai 200 100\nmars 200 1\n", headers: Fixture.ingest))
        #expect(bad.status == 400)
        #expect(bad.object["line"] as? Int == 2)
        #expect(bad.object["error"] is String)
        #expect(m.requests.value(labels: ["chat-completions", "openai", "ok", "2xx"]) == 1)

        #expect(w.router.handle(Fixture.request("POST", path, body: "", headers: Fixture.ingest)).status == 400)
        #expect(m.observationsRejected.value(labels: ["empty"]) == 1)
        let big = String(repeating: "openai 200 1\n", count: 90_000)
        #expect(w.router.handle(Fixture.request("POST", path, body: big, headers: Fixture.ingest)).status == 413)
        #expect(w.router.handle(Fixture.request("POST", "/v1/migrations/nope/observations", body: "openai 200 1\n",
                                                headers: Fixture.ingest)).status == 404)
        let anon = w.router.handle(Fixture.request("POST", path, body: "openai 200 1\n"))
        #expect(anon.status == 401)
        #expect(anon.headers["WWW-Authenticate"] == #"Bearer realm="glidepath""#)
        #expect(w.router.handle(Fixture.request("POST", path, body: "openai 200 1\n",
                                                headers: [("Authorization", "Bearer nope")])).status == 403)
    }

    @Test(arguments: [
        ("text/plain", 202), ("text/plain; charset=utf-8", 202), ("application/octet-stream", 202),
        ("application/x-www-form-urlencoded", 202), ("application/json", 415), ("multipart/form-data; boundary=x", 415),
    ])
    func observationContentTypes(contentType: String, status: Int) {
        create()
        let r = w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/observations", body: "openai 200 1\n",
                                                headers: [Fixture.ingest[0], ("Content-Type", contentType)]))
        #expect(r.status == status)
        let counted = w.controller.metrics.requests.value(labels: ["chat-completions", "openai", "ok", "2xx"])
        #expect(counted == (status == 202 ? 1 : 0))
    }

    @Test func compressedBodiesAndBadRevisionHeadersAreRefused() {
        create()
        let path = "/v1/migrations/chat-completions/observations"
        let gz = w.router.handle(Fixture.request("POST", path, body: "openai 200 1\n",
                                                 headers: Fixture.ingest + [("Content-Encoding", "gzip")]))
        #expect(gz.status == 415)
        #expect(gz.object["error"] as? String == "Content-Encoding gzip is not supported; send the lines uncompressed")
        let rev = w.router.handle(Fixture.request("POST", path, body: "openai 200 1\n",
                                                  headers: Fixture.ingest + [("Glidepath-Revision", "abc")]))
        #expect(rev.status == 400)
        #expect(rev.object["field"] as? String == "Glidepath-Revision")
        let fine = w.router.handle(Fixture.request("POST", path, body: "openai 200 1\n",
                                                   headers: Fixture.ingest + [("Glidepath-Revision", "7")]))
        #expect(fine.status == 202)
        #expect(w.controller.metrics.requests.value(labels: ["chat-completions", "openai", "ok", "2xx"]) == 1)
        #expect(w.controller.metrics.observationsRejected.value(labels: ["content_encoding"]) == 1)
    }

    @Test func headIsAnsweredLikeGet() {
        create()
        let r = w.router.handle(Fixture.request("HEAD", "/v1/migrations/chat-completions/weights"))
        #expect(r.status == 200)
        #expect(r.headers["ETag"] == #""1""#)
        #expect(w.router.handle(Fixture.request("HEAD", "/healthz")).status == 200)
    }

    @Test func putRefusesInvalidPoliciesWithEveryProblem() {
        let r = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions",
            body: #"{"migration": "chat-completions", "baseline": "a", "candidate": "a", "steps": [{"weight": 50}, {"weight": 10}], "bogus": 1}"#,
            headers: Fixture.admin))
        #expect(r.status == 422)
        let problems = r.object["problems"] as? [[String: Any]] ?? []
        #expect(problems.count >= 2)
        #expect(problems.allSatisfy { $0["field"] is String && $0["message"] is String })
        #expect(w.store.saves.isEmpty)
        #expect(w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions")).status == 404)
    }

    @Test func putRefusesANameMismatch() {
        let r = w.router.handle(Fixture.request("PUT", "/v1/migrations/other", body: Fixture.policy(), headers: Fixture.admin))
        #expect(r.status == 422)
        let problems = r.object["problems"] as? [[String: Any]] ?? []
        #expect(problems.count == 1)
        #expect(problems.first?["field"] as? String == "migration")
        #expect(problems.first?["message"] as? String
            == "the policy names migration \"chat-completions\" but the URL names \"other\"; they must match")
    }

    @Test func adminEndpointsNeedTheAdminToken() {
        #expect(w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: Fixture.policy())).status == 401)
        #expect(w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: Fixture.policy(),
                                                headers: [("Authorization", "Bearer ingest-secret")])).status == 403)
        create()
        #expect(w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/pause")).status == 401)
        #expect(w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions/decisions")).status == 401)
        #expect(w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions")).status == 200)
    }

    @Test func operatorActionsAnswerTheNewStatusOr409() {
        create()
        func act(_ a: String, _ body: String = "") -> HTTPResponse {
            w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/\(a)", body: body, headers: Fixture.admin))
        }
        let paused = act("pause", #"{"reason": "looking at dashboards"}"#)
        #expect(paused.status == 200)
        #expect(paused.object["state"] as? String == "paused")
        #expect(paused.object["revision"] as? Int == 2)
        let again = act("pause")
        #expect(again.status == 409)
        #expect((again.object["error"] as? String)?.isEmpty == false)
        #expect(act("resume").object["state"] as? String == "ramping")
        let rolled = act("rollback", #"{"reason": "p99 doubled"}"#)
        #expect(rolled.object["state"] as? String == "rolled_back")
        #expect((rolled.object["weights"] as? [String: Any])?["holysheep"] as? Int == 0)
        #expect(act("resume").status == 409)
        let restarted = act("restart")
        #expect(restarted.object["state"] as? String == "ramping")
        #expect(restarted.object["step"] as? Int == 0)
        #expect(act("pause", "not json").status == 400)
        #expect(w.router.handle(Fixture.request("POST", "/v1/migrations/nope/pause", headers: Fixture.admin)).status == 404)

        let log = w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions/decisions", headers: Fixture.admin)).list
        #expect(log.map { $0["action"] as? String ?? "" } == ["restart", "rollback", "resume", "pause", "created"])
        #expect(log.map { $0["revision"] as? Int ?? 0 } == [5, 4, 3, 2, 1])
        #expect((log[1]["reason"] as? String)?.hasSuffix(": p99 doubled") == true)
        #expect(log[1]["actor"] as? String == "operator")
        #expect(log[0]["at"] as? String == "2025-11-24T16:00:00.000Z")
        let two = w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions/decisions?limit=2", headers: Fixture.admin))
        #expect(two.list.count == 2)
        #expect(w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions/decisions?limit=x",
                                                headers: Fixture.admin)).status == 400)
        #expect(w.controller.metrics.decisions.value(labels: ["chat-completions", "rollback"]) == 1)
    }

    @Test("a reason is at most 1 KiB", arguments: [(1024, 200), (1025, 422), (1_000_000, 422)])
    func reasonIsAtMost1KiB(bytes: Int, status: Int) {
        create()
        let reason = String(repeating: "é", count: bytes / 2) + String(repeating: "x", count: bytes % 2)
        let r = w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/pause",
                                                body: #"{"reason": "\#(reason)"}"#, headers: Fixture.admin))
        #expect(r.status == status)
        if status == 422 {
            #expect(r.object["error"] as? String == "reason is \(bytes) bytes long; at most 1024 bytes (1 KiB) "
                    + "are allowed, nothing changed")
            #expect(r.object["field"] as? String == "reason")
            #expect(w.controller.entry("chat-completions")?.status.phase == .ramping)
        } else {
            #expect(w.controller.entry("chat-completions")?.status.reason.hasSuffix(reason) == true)
        }
    }

    /// 20,000 unknown keys used to answer 20,000 problems (5.9 MB, 6 s in a debug build): now the first
    /// 100, and how many more.
    @Test func aPolicyWithManyProblemsListsTheFirst100() {
        var body = #"{"migration": "chat-completions", "baseline": "a", "candidate": "b", "steps": [{"weight": 10}]"#
        for i in 0..<20_000 { body += #", "unknownKey\#(i)": 1"# }
        body += "}"
        let r = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: body, headers: Fixture.admin))
        #expect(r.status == 422)
        #expect(r.object["error"] as? String == "the policy has 20,000 problems; nothing was stored "
                + "(the first 100 are listed … and 19,900 more problems)")
        let problems = r.object["problems"] as? [[String: Any]] ?? []
        #expect(problems.count == 100)
        #expect(problems.first?["field"] as? String == "unknownKey0")
        #expect(r.body.count < 50_000)
        #expect(w.controller.entry("chat-completions") == nil)
    }

    @Test func aFailedStoreWriteOfAnAdvanceChangesNothing() {
        create()
        w.store.failSaves = true
        let r = w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/advance", headers: Fixture.admin))
        #expect(r.status == 503)
        #expect(r.object["error"] as? String == "the store cannot be written right now (the disk is full); nothing "
            + "changed. Rollbacks and pauses still take effect; retry this once /readyz answers 200")
        let status = w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions")).object
        #expect(status["state"] as? String == "ramping" && status["revision"] as? Int == 1)
        #expect(w.controller.served("chat-completions")?.weights.revision == 1)
        #expect(w.controller.metrics.revision.value(labels: ["chat-completions"]) == 1)
    }

    @Test func listStatusAndMetrics() {
        create()
        let list = w.router.handle(Fixture.request("GET", "/v1/migrations"))
        #expect(list.text == #"[{"migration":"chat-completions","revision":1,"state":"ramping","step":0,"weights":{"openai":95,"holysheep":5}}]"#)
        let full = w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions")).object
        #expect(full["baseline"] as? String == "openai")
        #expect((full["lastDecision"] as? [String: Any])?["action"] as? String == "created")
        let metrics = w.router.handle(Fixture.request("GET", "/metrics"))
        #expect(metrics.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8")
        let text = metrics.text
        #expect(text.contains(#"glidepath_weight_percent{migration="chat-completions",arm="holysheep"} 5"#))
        #expect(text.contains(#"glidepath_migration_state{migration="chat-completions",state="ramping"} 1"#))
        #expect(text.contains(#"glidepath_migration_state{migration="chat-completions",state="promoted"} 0"#))
        #expect(text.contains(#"glidepath_requests_total{migration="chat-completions",arm="openai",class="error",code="5xx"} 0"#))
        #expect(text.contains(#"glidepath_build_info{version="0.1.0"} 1"#))
        #expect(text.contains(#"glidepath_observations_rejected_total{reason="empty"} 0"#))
    }

    @Test func readinessHealthAndUnknownRoutes() {
        #expect(w.router.handle(Fixture.request("GET", "/healthz")).text == "ok\n")
        #expect(w.router.handle(Fixture.request("GET", "/readyz")).status == 503)
        w.controller.runOnce(now: Fixture.start, source: w.source)
        #expect(w.router.handle(Fixture.request("GET", "/readyz")).status == 200)
        let nf = w.router.handle(Fixture.request("GET", "/nope"))
        #expect(nf.status == 404)
        #expect(nf.text == #"{"error":"no such endpoint: /nope"}"#)
        let wrong = w.router.handle(Fixture.request("PATCH", "/v1/migrations/x"))
        #expect(wrong.status == 405)
        #expect(wrong.headers["Allow"] == "GET, PUT, DELETE")
        #expect(w.router.handle(Fixture.request("POST", "/v1/migrations/x/weights")).headers["Allow"] == "GET")
        #expect(w.controller.metrics.httpRequests.value(labels: ["other", "404"]) == 1)
    }
}

/// The head check: what the router decides before a body is read.
@Suite struct RouterHeadTests {
    let w = Fixture.world()

    struct HeadCase: Sendable, CustomTestStringConvertible {
        let method: String
        let target: String
        var headers: [(String, String)] = []
        var length = 0
        /// The status answered from the head, 0 for "inline", -1 for "offload".
        let expected: Int
        var testDescription: String { "\(method) \(target) \(headers.map(\.0)) \(length) → \(expected)" }
    }

    static let cases: [HeadCase] = [
        HeadCase(method: "GET", target: "/v1/migrations/m/weights", expected: 0),
        HeadCase(method: "HEAD", target: "/v1/migrations/m/weights", expected: 0),
        HeadCase(method: "GET", target: "/metrics", expected: -1),  // rendered on a worker: it can take long
        HeadCase(method: "GET", target: "/v1/migrations", expected: -1),
        HeadCase(method: "GET", target: "/v1/migrations/m", expected: -1),
        HeadCase(method: "GET", target: "/nope", expected: 404),
        HeadCase(method: "POST", target: "/nope", length: 900_000, expected: 404),
        HeadCase(method: "PATCH", target: "/v1/migrations/m", expected: 405),
        HeadCase(method: "DELETE", target: "/v1/migrations/m", length: 20, expected: 401),
        HeadCase(method: "DELETE", target: "/v1/migrations/m", headers: Fixture.admin, expected: -1),
        HeadCase(method: "DELETE", target: "/v1/migrations/m", headers: Fixture.admin, length: (1 << 20) + 1,
                 expected: 413),
        HeadCase(method: "GET", target: "/v1/archive/m", expected: 401),
        HeadCase(method: "GET", target: "/v1/archive/m", headers: Fixture.admin, expected: -1),
        HeadCase(method: "POST", target: "/v1/archive/m", headers: Fixture.admin, expected: 405),
        HeadCase(method: "POST", target: "/v1/migrations/m/weights", length: 10, expected: 405),
        HeadCase(method: "PUT", target: "/v1/migrations/m", length: 900_000, expected: 401),
        HeadCase(method: "PUT", target: "/v1/migrations/m", headers: [("Authorization", "Bearer ingest-secret")],
                 length: 900_000, expected: 403),
        HeadCase(method: "PUT", target: "/v1/migrations/m", headers: Fixture.admin, length: 900_000, expected: -1),
        HeadCase(method: "PUT", target: "/v1/migrations/m", headers: Fixture.admin, length: (1 << 20) + 1, expected: 413),
        HeadCase(method: "POST", target: "/v1/migrations/m/observations", length: 500_000, expected: 401),
        HeadCase(method: "POST", target: "/v1/migrations/m/observations", headers: Fixture.ingest, length: 500_000,
                 expected: 0),
        HeadCase(method: "POST", target: "/v1/migrations/m/observations", headers: Fixture.admin, length: 10, expected: 0),
        HeadCase(method: "POST", target: "/v1/migrations/m/observations", headers: Fixture.ingest,
                 length: (1 << 20) + 1, expected: 413),
        HeadCase(method: "POST", target: "/v1/migrations/m/pause", length: 20, expected: 401),
        HeadCase(method: "POST", target: "/v1/migrations/m/rollback", headers: Fixture.ingest, length: 20, expected: 403),
        HeadCase(method: "POST", target: "/v1/migrations/m/rollback", headers: Fixture.admin, length: 20, expected: -1),
        HeadCase(method: "POST", target: "/v1/migrations/m/rollback", headers: Fixture.admin, length: 70_000, expected: 413),
        HeadCase(method: "GET", target: "/v1/migrations/m/decisions", expected: 401),
        HeadCase(method: "GET", target: "/v1/migrations/m/decisions", headers: Fixture.admin, expected: -1),
        HeadCase(method: "GET", target: "/healthz", length: 100_000, expected: 413),
    ]

    @Test(arguments: cases)
    func headCheck(_ c: HeadCase) {
        let head = HTTPRequestHead(request: Fixture.request(c.method, c.target, headers: c.headers), contentLength: c.length)
        switch w.router.head(head) {
        case .inline: #expect(c.expected == 0)
        case .offload: #expect(c.expected == -1)
        case .respond(let response):
            #expect(response.status == c.expected)
            if c.expected == 401 { #expect(response.headers["WWW-Authenticate"] == #"Bearer realm="glidepath""#) }
        }
    }

    @Test func refusalsFromTheHeadAreCounted() {
        _ = w.router.head(HTTPRequestHead(request: Fixture.request("PUT", "/v1/migrations/m"), contentLength: 5))
        _ = w.router.head(HTTPRequestHead(request: Fixture.request("GET", "/nope")))
        #expect(w.controller.metrics.httpRequests.value(labels: ["/v1/migrations/{name}", "401"]) == 1)
        #expect(w.controller.metrics.httpRequests.value(labels: ["other", "404"]) == 1)
    }

    /// Parses `raw` with the server's parser and routes it, as the transport does.
    func route(_ raw: String) -> HTTPResponse {
        var parser = HTTPRequestParser()
        guard case .request(let request, _)? = parser.feed(Array(raw.utf8)).first else {
            Issue.record("did not parse: \(raw)")
            return HTTPResponse(status: 0)
        }
        return w.router.handle(request)
    }

    @Test func anEncodedSlashNeverReachesTheWeightsDocument() {
        _ = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: Fixture.policy(), headers: Fixture.admin))
        #expect(route("GET /v1/migrations/chat-completions/weights HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
        let slash = route("GET /v1/migrations/chat-completions%2fweights HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(slash.status == 404)
        #expect(slash.object["error"] as? String == #"no migration named "chat-completions/weights""#)
        #expect(route("GET /v1/migrations/chat-completions%2Fweights/weights HTTP/1.1\r\nHost: x\r\n\r\n").status == 404)
        #expect(route("GET /v1/migrations/chat-%63ompletions/weights HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
        #expect(Router.weightsName("/v1/migrations/a%2Fb/weights") == "a/b")
        #expect(Router.weightsName("/v1/migrations/a%2Fweights") == nil)
        #expect(Endpoint.of("/v1/migrations/m1%2Fweights") == .migration("m1/weights"))
        #expect(Endpoint.of("/v1/migrations/m1%252F/pause") == .action(.pause, "m1%2F"))
    }
}
