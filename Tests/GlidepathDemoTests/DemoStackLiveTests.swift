import Foundation
import GlidepathCore
import GlidepathServer
import HTTPServer
import Testing
@testable import GlidepathDemo

/// The whole demo, in-process and for real at speed 4: the controller on a temporary database and a free
/// port, three providers on loopback, the shims' traffic through them; the healthy candidate is promoted
/// step by step, the faulty one rolled back, the controller counted exactly what the traffic sent, and
/// stopping leaves nothing behind.
///
/// It opens about 2,000 loopback connections a second for 20 s, enough to starve the timing-sensitive live
/// tests running beside it in `swift test` (and to fill the ephemeral ports with TIME_WAIT), so it runs on
/// its own: `.ci/run` runs it after the suite with `GLIDEPATH_LIVE_DEMO=1 swift test --filter DemoStackLiveTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["GLIDEPATH_LIVE_DEMO"] == "1",
                "the live demo runs alone: GLIDEPATH_LIVE_DEMO=1 swift test --filter DemoStackLiveTests"))
struct DemoStackLiveTests {
    @Test(.timeLimit(.minutes(4)))
    func theHealthyCandidateIsPromotedTheFaultyOneRolledBackAndStopCleansUp() async throws {
        Log.enabled = false
        let plan = DemoPlan(speed: 4)
        let stack = try DemoStack(plan: plan, host: "127.0.0.1", port: 0)
        var outcome = DemoOutcome.running
        while outcome == .running {
            try await Task.sleep(for: .milliseconds(250))
            outcome = stack.check()
        }
        #expect(outcome == .reached)

        let healthy = try stack.controller.controller.decisions(migration: "demo-healthy", limit: 10).reversed().map {
            "\($0.action) \($0.fromStep)→\($0.toStep) \($0.actor)"
        }
        #expect(healthy == ["created 0→0 operator", "advance 0→1 judge", "advance 1→2 judge", "advance 2→3 judge",
                            "promote 3→3 judge"])
        let faulty = try #require(try stack.controller.controller.decisions(migration: "demo-faulty", limit: 1).first)
        #expect(faulty.action == .rollback && faulty.actor == .judge)
        let status = try HTTPClient.send(method: "GET", url: stack.controller.url + "/v1/migrations/demo-healthy")
        #expect(status.status == 200 && status.text.contains(#""state":"promoted""#))

        // Every request the workers sent reached the controller, counted against the right migration and arm.
        stack.traffic.stop()
        #expect(stack.traffic.droppedLines == 0)
        let counts = try ScrapeMetricsSource(url: stack.controller.url + "/metrics").fetch(plan.migrations.map {
            MetricsQuery(migration: $0.name, baseline: $0.baseline.name, candidate: $0.candidate.name)
        })
        let sent = stack.traffic.sent
        let legacy = (counts["demo-healthy"]?.baseline.requests ?? 0) + (counts["demo-faulty"]?.baseline.requests ?? 0)
        #expect(legacy == UInt64(sent["legacy"]?.requests ?? 0))
        #expect(counts["demo-healthy"]?.candidate.requests == UInt64(sent["candidate-ok"]?.requests ?? 0))
        #expect(counts["demo-faulty"]?.candidate.requests == UInt64(sent["candidate-bad"]?.requests ?? 0))
        #expect(counts["demo-faulty"]?.candidate.errors == UInt64(sent["candidate-bad"]?.errors ?? 0))
        #expect((sent["legacy"]?.requests ?? 0) > 5000)

        let summary = stack.summary()
        #expect(summary.contains("demo-healthy  promoted after "))
        #expect(summary.contains("demo-faulty   rolled back after "))

        let directory = stack.controller.directory
        let url = stack.controller.url
        #expect(FileManager.default.fileExists(atPath: directory + "/glidepath.db"))
        stack.stop()
        stack.stop()
        #expect(!FileManager.default.fileExists(atPath: directory))
        #expect(throws: HTTPClientError.self) { try HTTPClient.send(method: "GET", url: url + "/healthz", timeout: 1) }
        for p in stack.providers {
            let base = try #require(p.baseURL)
            #expect(throws: HTTPClientError.self) { try HTTPClient.send(method: "GET", url: base + "/", timeout: 1) }
        }
    }

    @Test func aPortInUseIsAClearErrorAndLeavesNoDirectory() throws {
        Log.enabled = false
        let first = try DemoController(host: "127.0.0.1", port: 0)
        defer { first.stop() }
        let parent = NSTemporaryDirectory() + "glidepath-demo-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let error = #expect(throws: DemoError.self) {
            try DemoStack(plan: DemoPlan(), host: "127.0.0.1", port: first.port, parent: parent)
        }
        #expect(error?.message.hasPrefix("cannot listen on 127.0.0.1:\(first.port): ") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == [])
    }
}
