import GlidepathCore
import HTTPServer
import Testing
@testable import GlidepathServer

/// The shim wire of issue 9, controller side: the weights document carries the policy's error statuses
/// and breaker; ingest takes `Glidepath-Breaker-Trips` / `Glidepath-Fallbacks` into two counters.
extension WeightsDocumentTests {
    @Test func carriesThePolicysErrorStatusesAndBreakerAfterPollAfterSeconds() {
        var p = policy
        p.guards.classifier = StatusClassifier(errorStatuses: Set([0, 401, 403, 429] + Array(500...599)))
        p.breaker = BreakerSettings(consecutiveErrors: 3, openSeconds: 10)
        let doc = WeightsDocument(status: status(step: 0), policy: p)
        #expect(String(decoding: doc.body, as: UTF8.self) == #"{"migration":"chat-completions","revision":7,"state":"ramping","step":0,"baseline":"openai","candidate":"holysheep","weights":{"openai":95,"holysheep":5},"pollAfterSeconds":5,"errorStatuses":[0,401,403,429,"5xx"],"breaker":{"consecutiveErrors":3,"openSeconds":10}}"#)
    }

    @Test(arguments: [
        (Set([0, 429] + Array(500...599)), #"[0,429,"5xx"]"#),
        (Set(400...499), #"["4xx"]"#),
        (Set([503]), "[503]"),
        (Set([0] + Array(100...599)), #"[0,"1xx","2xx","3xx","4xx","5xx"]"#),
        (Set(Array(500...598)), "[" + (500...598).map(String.init).joined(separator: ",") + "]"),
    ])
    func errorStatusesAreNumbersAndWholeClasses(statuses: Set<Int>, json: String) {
        var p = policy
        p.guards.classifier = StatusClassifier(errorStatuses: statuses)
        let text = String(decoding: WeightsDocument(status: status(step: 0), policy: p).body, as: UTF8.self)
        #expect(text.contains(#","errorStatuses":"# + json + #","breaker":"#))
    }

    @Test func aDocumentRebuiltFromTheLastDecisionCarriesTheDefaults() {
        let doc = WeightsDocument(migration: "m", revision: 3, phase: .paused, step: 1, baseline: "a", candidate: "b",
                                  candidateWeight: Weight(basisPoints: 2500), pollAfterSeconds: 5)
        #expect(String(decoding: doc.body, as: UTF8.self).hasSuffix(
            #""pollAfterSeconds":5,"errorStatuses":[0,429,"5xx"],"breaker":{"consecutiveErrors":5,"openSeconds":30}}"#))
    }
}

@Suite struct ShimReportRouterTests {
    let w = Fixture.world()
    let path = "/v1/migrations/chat-completions/observations"

    func create(_ extra: String = "") {
        let r = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: Fixture.policy(extra: extra),
                                                headers: Fixture.admin))
        #expect(r.status == 201)
    }

    func post(_ headers: [(String, String)], body: String = "openai 200 100\n") -> HTTPResponse {
        w.router.handle(Fixture.request("POST", path, body: body, headers: Fixture.ingest + headers))
    }

    var trips: Double? { w.controller.metrics.shimBreakerTrips.value(labels: ["chat-completions"]) }
    var fallbacks: Double? { w.controller.metrics.fallbacks.value(labels: ["chat-completions"]) }

    @Test func theWeightsDocumentFollowsThePolicy() {
        create(#", "guards": {"errors": {"statuses": [0, 401, 403, 429, "5xx"]}}, "breaker": {"consecutiveErrors": 3, "openSeconds": 10}"#)
        let r = w.router.handle(Fixture.request("GET", "/v1/migrations/chat-completions/weights"))
        #expect(r.text == #"{"migration":"chat-completions","revision":1,"state":"ramping","step":0,"baseline":"openai","candidate":"holysheep","weights":{"openai":95,"holysheep":5},"pollAfterSeconds":5,"errorStatuses":[0,401,403,429,"5xx"],"breaker":{"consecutiveErrors":3,"openSeconds":10}}"#)
    }

    @Test func acceptedBatchesAddTheirReportsToTheCountersOnMetrics() {
        create()
        #expect(trips == 0 && fallbacks == 0)
        let before = w.router.handle(Fixture.request("GET", "/metrics")).text
        #expect(before.contains(#"glidepath_shim_breaker_trips_total{migration="chat-completions"} 0"#))
        #expect(before.contains(#"glidepath_fallbacks_total{migration="chat-completions"} 0"#))
        #expect(post([("Glidepath-Breaker-Trips", "3"), ("Glidepath-Fallbacks", "17")]).status == 202)
        #expect(post([("Glidepath-Fallbacks", "1000000")]).status == 202)
        #expect(post([("Glidepath-Breaker-Trips", "0"), ("Glidepath-Fallbacks", "0")]).status == 202)
        #expect(post([]).status == 202)
        #expect(trips == 3 && fallbacks == 1_000_017)
        #expect(w.controller.metrics.requests.value(labels: ["chat-completions", "openai", "ok", "2xx"]) == 4)
        let after = w.router.handle(Fixture.request("GET", "/metrics")).text
        #expect(after.contains(#"glidepath_shim_breaker_trips_total{migration="chat-completions"} 3"#))
        #expect(after.contains(#"glidepath_fallbacks_total{migration="chat-completions"} 1000017"#))
        #expect(after.contains("# TYPE glidepath_shim_breaker_trips_total counter"))
        #expect(after.contains("# TYPE glidepath_fallbacks_total counter"))
    }

    @Test(arguments: ["Glidepath-Breaker-Trips", "Glidepath-Fallbacks"],
          ["-1", "1000001", "99999999", "abc", "1.5", "+3", "", "0x10", "1e3", "3 4", "٣"])
    func aMalformedReportIsRefusedAndNothingIsRecorded(header: String, value: String) {
        create()
        let other = header == "Glidepath-Fallbacks" ? "Glidepath-Breaker-Trips" : "Glidepath-Fallbacks"
        let r = post([(other, "2"), (header, value)], body: "openai 200 100\nholysheep 503 5\n")
        #expect(r.status == 400)
        #expect(r.object["field"] as? String == header)
        #expect(r.object["error"] as? String == "\(header) must be a decimal integer from 0 to 1000000, got \(jsonQuoted(value))")
        #expect(w.controller.metrics.observationsRejected.value(labels: ["bad_header"]) == 1)
        #expect(w.controller.metrics.requests.value(labels: ["chat-completions", "openai", "ok", "2xx"]) == 0)
        #expect(w.controller.metrics.requests.value(labels: ["chat-completions", "holysheep", "error", "5xx"]) == 0)
        #expect(trips == 0 && fallbacks == 0)
    }

    @Test func aReportSentTwiceIsRefused() {
        create()
        let r = post([("Glidepath-Fallbacks", "1"), ("Glidepath-Fallbacks", "2")])
        #expect(r.status == 400)
        #expect(r.object["error"] as? String == "Glidepath-Fallbacks appears 2 times; send it once")
        #expect(fallbacks == 0)
    }

    @Test func reportsOnARefusedBatchAreNotCounted() {
        create()
        let r = post([("Glidepath-Breaker-Trips", "4"), ("Glidepath-Fallbacks", "9")], body: "openai 200 100\nmars 200 1\n")
        #expect(r.status == 400)
        #expect(trips == 0 && fallbacks == 0)
        #expect(post([("Glidepath-Fallbacks", "9")], body: "").status == 400)
        #expect(fallbacks == 0)
    }
}
