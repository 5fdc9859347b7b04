import Foundation
import GlidepathCore
import Testing
@testable import GlidepathServer

/// Evidence belongs to a pair of arm names and a policy version: renamed arms leave `/metrics`, and a tick
/// whose counters were fetched for other arms is skipped.
@Suite struct ArmLifecycleTests {
    let w = Fixture.world()
    let name = "chat-completions"

    func put(candidate: String) -> Int {
        w.router.handle(Fixture.request("PUT", "/v1/migrations/\(name)", body: Fixture.policy(candidate: candidate),
                                        headers: Fixture.admin)).status
    }

    @Test func aRenamedArmsSeriesLeaveMetrics() {
        #expect(put(candidate: "alpha") == 201)
        let metrics = w.controller.metrics
        metrics.requests.add(40, labels: [name, "alpha", "error", "5xx"])
        #expect(put(candidate: "beta") == 200)
        let text = String(decoding: metrics.registry.render(), as: UTF8.self)
        #expect(!text.contains(#"arm="alpha""#))
        #expect(text.contains(#"glidepath_requests_total{migration="chat-completions",arm="beta",class="error",code="5xx"} 0"#))
        // Renamed back: alpha starts from zero, its old failures are gone.
        #expect(put(candidate: "alpha") == 200)
        #expect(metrics.requests.value(labels: [name, "alpha", "error", "5xx"]) == 0)
    }

    /// `glidepath_arm_info{migration,arm,role}` names each arm's role, follows a rename, and keeps one series
    /// per arm when the policy swaps the roles (what the rate-limit alert joins on).
    @Test func armInfoNamesTheRolesThroughRenamesAndSwaps() {
        func info() -> [String] {
            String(decoding: w.controller.metrics.registry.render(), as: UTF8.self)
                .split(separator: "\n").filter { $0.hasPrefix("glidepath_arm_info{") }.map(String.init)
        }
        func put(baseline: String, candidate: String) -> Int {
            w.router.handle(Fixture.request("PUT", "/v1/migrations/\(name)",
                                            body: Fixture.policy(baseline: baseline, candidate: candidate),
                                            headers: Fixture.admin)).status
        }
        #expect(put(baseline: "openai", candidate: "alpha") == 201)
        #expect(info() == [#"glidepath_arm_info{migration="chat-completions",arm="alpha",role="candidate"} 1"#,
                           #"glidepath_arm_info{migration="chat-completions",arm="openai",role="baseline"} 1"#])
        #expect(put(baseline: "openai", candidate: "beta") == 200)
        #expect(info() == [#"glidepath_arm_info{migration="chat-completions",arm="beta",role="candidate"} 1"#,
                           #"glidepath_arm_info{migration="chat-completions",arm="openai",role="baseline"} 1"#])
        #expect(put(baseline: "beta", candidate: "openai") == 200)
        #expect(info() == [#"glidepath_arm_info{migration="chat-completions",arm="beta",role="baseline"} 1"#,
                           #"glidepath_arm_info{migration="chat-completions",arm="openai",role="candidate"} 1"#])
    }

    /// Applies a policy with other arms while the control loop is fetching counters.
    final class RenamingSource: MetricsSource, @unchecked Sendable {
        let inner = InMemoryMetricsSource()
        var duringFetch: (() -> Void)?
        func fetch(_ queries: [MetricsQuery]) throws -> [String: ArmPair] {
            let answer = try inner.fetch(queries)
            duringFetch?()
            duringFetch = nil
            return answer
        }
    }

    @Test func aTickFetchedForOldArmsIsSkipped() throws {
        #expect(put(candidate: "alpha") == 201)
        let source = RenamingSource()
        source.inner.set(traffic(500, candidateErrors: 500), for: name)
        source.duringFetch = { _ = self.put(candidate: "beta") }
        w.clock.advance(milliseconds: 10_000)
        let report = w.controller.runOnce(now: w.clock.now(), source: source)
        #expect(report.skipped == [name] && report.ticked.isEmpty && report.decisions.isEmpty)
        let e = try #require(w.controller.entry(name))
        #expect(e.policy.candidate == "beta" && e.status.phase == .ramping)
        #expect(e.judge.step.candidate.requests == 0)
    }
}

/// The control loop's default source reads the registry in-process, through the text format.
@Suite struct SelfMetricsSourceTests {
    @Test func readsWhatIngestRecordedWithoutASocket() throws {
        let w = Fixture.world()
        _ = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: Fixture.policy(), headers: Fixture.admin))
        let lines = String(repeating: "openai 200 100\nholysheep 503 40\n", count: 30)
        let r = w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/observations", body: lines,
                                                headers: Fixture.ingest))
        #expect(r.status == 202)
        let source = SelfMetricsSource(registry: w.controller.metrics.registry)
        let counts = try #require(try source.fetch([MetricsQuery(migration: "chat-completions", baseline: "openai",
                                                                 candidate: "holysheep")])["chat-completions"])
        #expect(counts.baseline.requests == 30 && counts.baseline.errors == 0)
        #expect(counts.candidate.requests == 30 && counts.candidate.errors == 30)
        #expect(counts.baseline.latency.reduce(0, +) == 30)
    }
}
