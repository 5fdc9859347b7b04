import Foundation
import Testing
@testable import GlidepathShim

/// Fail static: whatever the controller does wrong, the last good weights stay and the reason is told.
struct PollingTests {
    @Test func sendsTheShimIDAndTheETagAndKeepsWeightsOn304() async throws {
        let fake = FakeController { _ in FakeController.weights(revision: 7, candidate: 5) }
        let events = EventLog()
        let shim = try makeShim(fake, events: events)
        #expect(await shim.refresh() == .updated(revision: 7))
        fake.answer { _ in FakeController.raw(304) }
        #expect(await shim.refresh() == .unchanged)
        let requests = fake.requests
        #expect(requests.map(\.url.absoluteString) == Array(repeating: "http://controller.test:8470/v1/migrations/chat-completions/weights", count: 2))
        #expect(requests[0].headers["If-None-Match"] == nil)
        #expect(requests[1].headers["If-None-Match"] == "\"7\"")
        #expect(requests.allSatisfy { $0.headers["Glidepath-Shim"] == "test-shim" && $0.method == "GET" })
        #expect(shim.weights?.revision == 7 && shim.weights?.candidateBasisPoints == 500 && shim.weights?.pollAfterSeconds == 5)
        #expect(events.all == [.weightsUpdated(revision: 7, candidateBasisPoints: 500)])
    }

    static let bad: [(ShimResponse, GlidepathShim.PollOutcome)] = [
        (FakeController.raw(503, #"{"error":"store unavailable"}"#), .failed("HTTP 503: store unavailable")),
        (FakeController.raw(500, "oops"), .failed("HTTP 500: oops")),
        (FakeController.raw(404, #"{"error":"no migration named \"chat-completions\""}"#),
         .failed("HTTP 404: no migration named \"chat-completions\"")),
        (FakeController.raw(200, "{\"migration\": garbage"),
         .rejected("not a weights document (21 bytes starting \"{\\\"migration\\\": garbage\")")),
        (FakeController.raw(200, #"{"migration":"chat-completions","revision":9,"baseline":"openai","candidate":"holysheep","weights":{"openai":60,"holysheep":30}}"#),
         .rejected("weights sum to 90.0, not 100")),
        (FakeController.raw(200, #"{"migration":"chat-completions","revision":9,"baseline":"openai","candidate":"holysheep","weights":{"openai":150,"holysheep":-50}}"#),
         .rejected("weights must be within 0...100, got openai=150.0 holysheep=-50.0")),
        (FakeController.weights(revision: 9, candidate: 50, candidateName: "mystery"),
         .rejected("unknown candidate arm \"mystery\" (configured \"holysheep\")")),
        (FakeController.weights(revision: 9, candidate: 50, baselineName: "legacy"),
         .rejected("unknown baseline arm \"legacy\" (configured \"openai\")")),
        (FakeController.raw(200, #"{"migration":"chat-completions","revision":9,"baseline":"openai","candidate":"holysheep","weights":{"openai":50,"other":50}}"#),
         .rejected("weights name [\"openai\", \"other\"] but the arms are \"openai\" and \"holysheep\"")),
        (FakeController.weights(revision: 9, candidate: 50, migration: "other"),
         .rejected("document is for migration \"other\", not \"chat-completions\"")),
        (FakeController.weights(revision: 2, candidate: 50), .rejected("revision 2 is older than the current 3")),
    ]

    @Test(arguments: bad)
    func keepsTheLastGoodWeights(response: ShimResponse, outcome: GlidepathShim.PollOutcome) async throws {
        let fake = FakeController { _ in FakeController.weights(revision: 3, candidate: 20) }
        let events = EventLog()
        let shim = try makeShim(fake, events: events)
        await shim.refresh()
        let routed = (0..<500).map { shim.route(key: "k\($0)") }
        fake.answer { _ in response }
        #expect(await shim.refresh() == outcome)
        #expect(shim.weights?.revision == 3 && shim.weights?.candidateBasisPoints == 2000)
        #expect((0..<500).map { shim.route(key: "k\($0)") } == routed)
        if case .rejected(let reason) = outcome { #expect(events.all.last == .weightsRejected(reason: reason)) }
    }

    @Test func thePollerReportsFailuresAndBacksOffThenRecovers() async throws {
        let fake = FakeController()
        let events = EventLog()
        let shim = try makeShim(fake, events: events) { $0.pollInterval = 0.05; $0.batchInterval = 10 }
        shim.start()
        #expect(await eventually { events.all.count >= 2 })
        #expect(events.all.first == .pollFailed(reason: "controller unreachable: connection refused", retryIn: {
            if case .pollFailed(_, let r) = events.all.first { return r } else { return -1 } }()))
        if case .pollFailed(_, let retry) = events.all.first { #expect(retry >= 0.045 && retry <= 0.055) }
        fake.answer { _ in FakeController.weights(revision: 4, candidate: 100) }
        #expect(await eventually { shim.route(key: "x") == "holysheep" })
        fake.answer { _ in FakeController.raw(502) }
        try await Task.sleep(for: .milliseconds(200))
        #expect(shim.route(key: "x") == "holysheep")
        await shim.stop()
    }
}
