import Foundation
import Testing
@testable import GlidepathShim

struct RecordingTests {
    @Test(arguments: [
        (Duration.milliseconds(142) + .microseconds(500), "142.5"),
        (.seconds(2) + .milliseconds(3), "2003"),
        (.microseconds(1), "0.001"),
        (.nanoseconds(999), "0"),
        (.milliseconds(-5), "0"),
        (.seconds(10), "10000"),
    ])
    func millisecondsHaveNoExponentAndAtMostThreeDecimals(latency: Duration, text: String) {
        #expect(GlidepathShim.milliseconds(latency) == text)
    }

    @Test func linesCarryTheOptionalFieldsAndBadLinesAreRefusedLocally() async throws {
        let fake = FakeController { r in
            r.method == "GET" ? FakeController.weights(revision: 5, candidate: 10) : FakeController.raw(202, #"{"accepted":3}"#)
        }
        let events = EventLog()
        let shim = try makeShim(fake, events: events)
        await shim.refresh()
        shim.record(arm: "holysheep", status: 200, latency: .milliseconds(812), tokens: 512, ttft: .microseconds(95_500))
        shim.record(arm: "openai", status: 503, latency: .milliseconds(2003))
        shim.record(arm: "holysheep", status: 0, latency: .seconds(10), tokens: 0)
        shim.record(arm: "other", status: 200, latency: .milliseconds(1))
        shim.record(arm: "open ai", status: 200, latency: .milliseconds(1))
        shim.record(arm: "openai", status: 700, latency: .milliseconds(1))
        shim.record(arm: "openai", status: 200, latency: .milliseconds(1), tokens: -1)
        #expect(await shim.flush() == 3)
        #expect(fake.batches == [["holysheep 200 812 tokens=512 ttft_ms=95.5", "openai 503 2003", "holysheep 0 10000 tokens=0"]])
        let post = try #require(fake.requests.last)
        #expect(post.url.absoluteString == "http://controller.test:8470/v1/migrations/chat-completions/observations")
        #expect(post.headers == ["Content-Type": "text/plain", "Authorization": "Bearer ing", "Glidepath-Shim": "test-shim",
                                 "Glidepath-Revision": "5"])
        #expect(events.all.filter { if case .lineRejected = $0 { true } else { false } } == [
            .lineRejected(reason: "arm \"other\" is neither \"openai\" nor \"holysheep\""),
            .lineRejected(reason: "arm \"open ai\" is empty or contains whitespace"),
            .lineRejected(reason: "status 700 is not 0 or 100...599"),
            .lineRejected(reason: "tokens -1 is negative"),
        ])
    }

    @Test func batchesByLines() async throws {
        let fake = FakeController { _ in FakeController.raw(202) }
        let shim = try makeShim(fake) { $0.batchLines = 10; $0.batchInterval = 60; $0.pollInterval = 60 }
        shim.start()
        for i in 0..<25 { shim.record(arm: "openai", status: 200, latency: .milliseconds(i)) }
        #expect(await eventually { fake.batches.count == 2 })
        try await Task.sleep(for: .milliseconds(150))
        #expect(fake.batches.map(\.count) == [10, 10])
        #expect(fake.batches[1].first == "openai 200 10")
        #expect(shim.bufferedLines == 5)
        await shim.stop()
        #expect(fake.batches.map(\.count) == [10, 10, 5])
    }

    @Test func batchesByTime() async throws {
        let fake = FakeController { _ in FakeController.raw(202) }
        let shim = try makeShim(fake) { $0.batchLines = 500; $0.batchInterval = 0.2; $0.pollInterval = 60 }
        shim.start()
        let started = ContinuousClock.now
        for _ in 0..<3 { shim.record(arm: "openai", status: 200, latency: .milliseconds(5)) }
        #expect(await eventually { fake.batches.count == 1 })
        #expect(ContinuousClock.now - started >= .milliseconds(100))
        #expect(fake.batches == [["openai 200 5", "openai 200 5", "openai 200 5"]])
        await shim.stop()
    }

    @Test func aFullBufferDropsAndCountsThenDeliversWhatItKeptWhenTheControllerReturns() async throws {
        let fake = FakeController()
        let events = EventLog()
        let shim = try makeShim(fake, events: events) { $0.maxBufferedLines = 5; $0.batchLines = 2; $0.batchInterval = 0.02; $0.pollInterval = 60 }
        shim.start()
        for i in 0..<8 { shim.record(arm: "openai", status: 200, latency: .milliseconds(i)) }
        #expect(shim.droppedLines == 3 && shim.bufferedLines == 5)
        #expect(await eventually { events.all.contains(.linesDropped(count: 3, total: 3)) })
        #expect(await eventually { events.all.contains { if case .batchFailed = $0 { true } else { false } } })
        fake.answer { _ in FakeController.raw(202) }
        #expect(await eventually { shim.bufferedLines == 0 })
        #expect(fake.batches.filter { _ in true }.joined().suffix(5) == ["openai 200 0", "openai 200 1", "openai 200 2", "openai 200 3", "openai 200 4"])
        await shim.stop()
    }

    @Test func aRefusedBatchIsDroppedAndReportedNotRetried() async throws {
        let fake = FakeController { _ in FakeController.raw(400, #"{"error":"unknown arm \"x\"","line":1}"#) }
        let events = EventLog()
        let shim = try makeShim(fake, events: events) { $0.batchLines = 2 }
        for _ in 0..<3 { shim.record(arm: "openai", status: 200, latency: .milliseconds(1)) }
        #expect(await shim.flush() == 0)
        #expect(shim.bufferedLines == 0)
        #expect(fake.batches.map(\.count) == [2, 1])
        #expect(events.all == [.batchDropped(lines: 2, status: 400, reason: "line 1: unknown arm \"x\""),
                               .batchDropped(lines: 1, status: 400, reason: "line 1: unknown arm \"x\"")])
    }

    @Test func aFailedBatchStaysBuffered() async throws {
        let fake = FakeController { _ in FakeController.raw(503, "busy") }
        let shim = try makeShim(fake)
        shim.record(arm: "openai", status: 200, latency: .milliseconds(1))
        #expect(await shim.flush() == 0)
        #expect(shim.bufferedLines == 1)
        #expect(await shim.sendBatch() == .failed("HTTP 503: busy"))
        fake.answer { _ in FakeController.raw(202) }
        #expect(await shim.flush() == 1)
        #expect(shim.bufferedLines == 0)
    }
}
