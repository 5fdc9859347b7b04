import GlidepathCore
import HTTPServer
import Testing
@testable import GlidepathServer

/// The status page: routes, headers, escaping, and the pure renderer's numbers.
@Suite struct StatusPageTests {
    let w = Fixture.world()

    @discardableResult
    func create(_ name: String = "chat-completions", baseline: String = "openai", candidate: String = "holysheep") -> Int {
        w.router.handle(Fixture.request("PUT", "/v1/migrations/\(name)", body: Fixture.policy(name, baseline: baseline,
                                                                                              candidate: candidate),
                                        headers: Fixture.admin)).status
    }

    func get(_ target: String, method: String = "GET") -> HTTPResponse { w.router.handle(Fixture.request(method, target)) }

    @Test(arguments: [("a<b", "a&lt;b"), ("\"x\" & 'y'", "&quot;x&quot; &amp; &#39;y&#39;"), ("plain", "plain"),
                      ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;")])
    func escapesEveryMarkupCharacter(_ text: String, _ escaped: String) {
        #expect(HTML.escape(text) == escaped)
    }

    @Test func pathSegmentsArePercentEncoded() {
        #expect(HTML.pathSegment("chat-completions.v2_x~") == "chat-completions.v2_x~")
        #expect(HTML.pathSegment("a/b\"<") == "a%2Fb%22%3C")
    }

    @Test func theOverviewListsEveryMigrationWithoutAToken() {
        #expect(create() == 201)
        #expect(create("embeddings", baseline: "us-east", candidate: "eu-west") == 201)
        let r = get("/")
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(r.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            + "script-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
        #expect(r.headers["X-Content-Type-Options"] == "nosniff")
        #expect(r.headers["Cache-Control"] == "no-store")
        let html = r.text
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<a class=\"name\" href=\"/migrations/chat-completions\">chat-completions</a>"))
        #expect(html.contains("<a class=\"name\" href=\"/migrations/embeddings\">embeddings</a>"))
        #expect(html.contains("2 migrations: 2 ramping"))
        #expect(html.contains("<meta http-equiv=\"refresh\" content=\"5\">"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") && !html.contains("https://"))  // nothing loaded from anywhere
        #expect(w.controller.metrics.httpRequests.value(labels: ["/", "200"]) == 1)
    }

    @Test func refreshOffKeepsThePageStillAndLinksStayOff() {
        create()
        let html = get("/?refresh=off").text
        #expect(!html.contains("http-equiv=\"refresh\""))
        #expect(html.contains("href=\"/migrations/chat-completions?refresh=off\""))
        #expect(html.contains("auto-refresh paused · <a href=\"/\">resume</a>"))
    }

    @Test func headAndTheHeadCheckTreatThePagesLikeTheOtherReads() {
        create()
        let head = get("/migrations/chat-completions", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.headers["Content-Type"] == "text/html; charset=utf-8")
        for target in ["/", "/migrations/chat-completions"] {
            guard case .offload = w.router.head(HTTPRequestHead(request: Fixture.request("GET", target))) else {
                Issue.record("\(target) is not offloaded")
                continue
            }
        }
        let post = get("/", method: "POST")
        #expect(post.status == 405)
        #expect(post.headers["Allow"] == "GET")
    }

    @Test func anUnknownMigrationIsAnHTMLNotFoundPageWithItsNameEscaped() {
        var parser = HTTPRequestParser()
        let raw = "GET /migrations/%3Cscript%3Ealert(1)%3C%2Fscript%3E HTTP/1.1\r\nHost: x\r\n\r\n"
        guard case .request(let request, _)? = parser.feed(Array(raw.utf8)).first else {
            Issue.record("did not parse")
            return
        }
        let r = w.router.handle(request)
        #expect(r.status == 404)
        #expect(r.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(r.text.contains("No migration named “&lt;script&gt;alert(1)&lt;/script&gt;”"))
        #expect(!r.text.contains("<script"))
        #expect(w.controller.metrics.httpRequests.value(labels: ["/migrations/{name}", "404"]) == 1)
    }

    @Test func anOperatorsMarkupInAReasonRendersAsText() {
        create()
        let reason = #"<script>alert(1)</script> "quoted" & <img src=x onerror=alert(2)>"#
        let body = #"{"reason": "<script>alert(1)</script> \"quoted\" & <img src=x onerror=alert(2)>"}"#
        #expect(w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/pause", body: body,
                                                headers: Fixture.admin)).status == 200)
        w.controller.runOnce(now: Fixture.start, source: w.source)
        for html in [get("/migrations/chat-completions").text, get("/").text] {
            #expect(html.contains("(5%): " + HTML.escape(reason)))
            #expect(!html.contains("<script"))
            #expect(!html.contains("<img"))
        }
        #expect(get("/migrations/chat-completions").text.contains(
            "(5%): &lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &lt;img src=x onerror=alert(2)&gt;</td>"))
    }

    @Test func theMigrationPageShowsWeightsStepsVerdictChartsShimsAndDecisions() {
        create()
        for i in 0..<4 {
            w.source.add(traffic(200, baselineErrors: 2, candidateErrors: 2), for: "chat-completions")
            w.controller.runOnce(now: Fixture.start + Int64(i) * 10_000, source: w.source)
        }
        w.clock.advance(milliseconds: 30_000)
        _ = w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions/weights", headers: [("Glidepath-Shim", "pod-1")]))
        let html = get("/migrations/chat-completions").text
        #expect(html.contains("<span class=\"b\" style=\"width:95%\">95%</span><span class=\"c\" style=\"width:5%\"></span>"))
        #expect(html.contains("<div class=\"step current\"><div class=\"w\">5%</div><div class=\"d\">step 0 · bake 1m</div>"))
        #expect(html.contains("in step 30s · bake 30s left of 1m"))
        #expect(html.contains("<div class=\"progress\"><i style=\"width:50%\"></i></div>"))
        #expect(html.contains("Judge: hold · "))
        #expect(html.contains("<path class=\"line baseline\""))
        #expect(html.contains("<path class=\"line candidate\""))
        #expect(html.contains("now: openai 20 req/s · holysheep 20 req/s"))
        #expect(html.contains("<b>1 of 1</b> shim on revision 1 (current)"))
        #expect(html.contains("<span class=\"action created\">created</span>"))
        #expect(html.contains("glidepath_guard_evidence"))
    }

    /// End to end: the actor an operator gave reaches the page; a webhook gate shows its host, never the
    /// path (a Slack URL's path is its secret).
    @Test func theOperatorsNameAndAWebhookGatesHostReachThePage() {
        let steps = #"[{"weight": 5, "bake": "1m"}, {"weight": 50, "gate": {"webhook": "https://hooks.example.com/T000/B000/s3cr3t"}}, {"weight": 100}]"#
        #expect(w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: Fixture.policy(steps: steps),
                                                headers: Fixture.admin + [("Glidepath-Actor", "alice@laptop")])).status == 201)
        let html = get("/migrations/chat-completions").text
        #expect(html.contains("<td>operator <span class=\"muted\">(alice@laptop)</span></td>"))
        #expect(html.contains("step 1 · no bake · webhook gate https://hooks.example.com/"))
        #expect(!html.contains("s3cr3t"))
        #expect(!html.contains("T000"))
    }

    @Test func aDecisionShowsWhoActedWhenKnown() {
        let d = Decision(at: Fixture.start, revision: 2, action: .pause, fromStep: 0, toStep: 0, baseline: "a", candidate: "b",
                         candidateWeight: Weight(basisPoints: 500), actor: .operator, reason: "checking")
        let data = MigrationPageData(entry: nil, broken: BrokenMigration(name: "m", reason: "bad <policy>", revision: 2,
                                                                         policyVersion: 1, lastDecision: d),
                                     decisions: [LoggedDecision(d, by: "alice@ops <laptop>"), LoggedDecision(d)],
                                     now: TimeReading(Fixture.start))
        let html = StatusPage.migration(data)
        #expect(html.contains("<td>operator <span class=\"muted\">(alice@ops &lt;laptop&gt;)</span></td>"))
        #expect(html.contains("<td>operator</td>"))
        #expect(html.contains("<td class=\"time\">2025-11-24 16:00:00</td>"))
        #expect(html.contains("<span class=\"what\">Quarantined</span>: bad &lt;policy&gt;."))
        #expect(html.contains("style=\"width:95%\">95%</span><span class=\"c\" style=\"width:5%\"></span>"))
    }

    @Test(arguments: [(525, "94.75%", "5.25%"), (0, "100%", "0%"), (10_000, "0%", "100%"), (2_500, "75%", "25%")])
    func weightBarsAreAsWideAsTheWeights(_ bp: Int, _ baseline: String, _ candidate: String) {
        let w = Weight(basisPoints: bp)
        #expect(StatusPage.barWidth(w.complement) == baseline)
        #expect(StatusPage.barWidth(w) == candidate)
        let bar = StatusPage.weightBar(baseline: "a", candidate: "b", weight: w, compact: true)
        #expect(bar.contains("style=\"width:\(candidate)\"") == (bp > 0))
        #expect(bar.contains("style=\"width:\(baseline)\"") == (bp < 10_000))
        #expect(bar.hasSuffix("<span class=\"wtext\">\(candidate)</span></div>"))
    }

    @Test func metersFillOnALogScaleUpToTheThreshold() {
        #expect(StatusPage.logMeterFraction(20, threshold: 20) == 0.8)
        #expect(abs(StatusPage.logMeterFraction(20.0.squareRoot(), threshold: 20) - 0.4) < 1e-12)
        #expect(StatusPage.logMeterFraction(0.3, threshold: 20) == 0)
        #expect(StatusPage.logMeterFraction(1e300, threshold: 20) == 1)
        #expect(StatusPage.logMeterFraction(.infinity, threshold: 20) == 1)
        #expect(abs(StatusPage.linearMeterFraction(1.5, limit: 2) - 0.6) < 1e-12)
        #expect(StatusPage.percentWidth(0.375) == "37.5%")
        #expect(StatusPage.percentWidth(3) == "100%")
        #expect(StatusPage.percentWidth(-.infinity) == "0%")
    }

    @Test(arguments: [(1204, "1,204"), (0.0123, "0.0123"), (3.2e51, "3.2e51"), (12.345, "12.35"), (.infinity, "∞")])
    func evidenceNumbers(_ x: Double, _ text: String) {
        #expect(StatusPage.rawNumber(x) == text)
    }

    @Test func thresholdJudgeEvidenceShowsEachRatioAgainstItsLimit() {
        let policy = Fixture.policy().replacingOccurrences(of: #""minRequests": 20"#, with: #""minRequests": 20, "judge": "threshold""#)
        #expect(w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: policy,
                                                headers: Fixture.admin)).status == 201)
        for i in 0..<2 {
            w.source.add(traffic(200, baselineErrors: 4, candidateErrors: 6), for: "chat-completions")
            w.controller.runOnce(now: Fixture.start + Int64(i) * 10_000, source: w.source)
        }
        let html = get("/migrations/chat-completions").text
        #expect(html.contains("error rate: candidate 3.0% vs baseline 2.0%"))
        #expect(html.contains("<td class=\"num\">1.5× / 2.0×</td>"))
        #expect(html.contains("<td class=\"num\">0 / 3</td>"))
    }
}
