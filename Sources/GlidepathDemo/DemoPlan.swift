import GlidepathCore

/// What `glidepath demo` runs, as values: the providers and how they behave, the two migrations with their
/// policies, the traffic, and the outcome each migration must reach. Pure; `DemoStack` carries it out.
///
/// Both migrations move traffic off the same `legacy` provider: `demo-healthy` to a candidate with fewer
/// errors and lower latency (promoted), `demo-faulty` to one with 8 % errors and twice the latency (rolled
/// back). The policy is fast but real: 1 s ticks, steps 5/25/50/100 % with 5 s bakes, the sequential judge
/// with alpha 0.001 (a false rollback at most once in a thousand demos) and `badRatio` 3 (a step advances
/// once the evidence says the candidate is not 3× worse). `glidepath simulate` with these providers as a
/// traffic profile (`simulatorProfile(for:)`): the healthy one promoted in all of 1,000 runs, median 36 s,
/// p90 50 s; the faulty one rolled back in all of them, median 4 s (the real demo adds a few seconds of
/// shim batching and polling).
package struct DemoPlan: Equatable, Sendable {
    /// One migration of the demo and where it must end.
    package struct Migration: Equatable, Sendable {
        package var name: String
        package var baseline: ProviderBehaviour
        package var candidate: ProviderBehaviour
        /// `.promoted` or `.rolledBack`.
        package var expected: Phase
    }

    package var speed: Double
    package var migrations: [Migration]
    /// Requests per second each migration's traffic sends (split by its weights).
    package var requestsPerSecond: Double
    /// Worker threads per migration, each sending one request at a time.
    package var workersPerMigration: Int
    /// Shim instances per migration (the workers share them), like replicas of one application.
    package var shimsPerMigration: Int
    /// Sticky keys (`tenant-0`…) the requests are spread over.
    package var keys: Int
    /// Candidate weights of the steps, in percent.
    package var stepWeights: [Int]
    /// Bake of every step but the last, in seconds.
    package var bakeSeconds: Int
    /// The demo fails if the migrations have not all reached their outcome by then.
    package var timeoutSeconds: Double

    package static let legacy = ProviderBehaviour(name: "legacy", errorRate: 0.01, p50Milliseconds: 20, p99Milliseconds: 80)
    package static let healthy = ProviderBehaviour(name: "candidate-ok", errorRate: 0.005, p50Milliseconds: 18,
                                                  p99Milliseconds: 60)
    package static let faulty = ProviderBehaviour(name: "candidate-bad", errorRate: 0.08, p50Milliseconds: 40,
                                                 p99Milliseconds: 160)

    /// The plan at `speed` (`DemoOptions.speeds`): traffic × speed, bakes ÷ speed (at least 1 s).
    package init(speed: Double = 1) {
        self.speed = speed
        migrations = [
            Migration(name: "demo-healthy", baseline: Self.legacy, candidate: Self.healthy, expected: .promoted),
            Migration(name: "demo-faulty", baseline: Self.legacy, candidate: Self.faulty, expected: .rolledBack),
        ]
        requestsPerSecond = 250 * speed
        workersPerMigration = max(4, min(48, Int((12 * speed).rounded(.up))))
        shimsPerMigration = 2
        keys = 2000
        stepWeights = [5, 25, 50, 100]
        bakeSeconds = max(1, Int((5 / speed).rounded()))
        timeoutSeconds = 180 / min(1, speed)
    }

    /// Every provider once (the baseline is shared), in a stable order.
    package var providers: [ProviderBehaviour] {
        var out: [ProviderBehaviour] = []
        for m in migrations {
            for p in [m.baseline, m.candidate] where !out.contains(where: { $0.name == p.name }) { out.append(p) }
        }
        return out
    }

    /// A `glidepath simulate --traffic` profile of `migration` over `minutes`: its providers at the demo's
    /// rate; a candidate expected to be rolled back is a regression from minute 0, so the simulator counts
    /// the time to roll it back. Run it with the migration's `policy(for:)` to check the plan.
    package func simulatorProfile(for migration: Migration, minutes: Int = 3) -> String {
        func arm(_ p: ProviderBehaviour) -> String {
            "{\"errorRate\": \(p.errorRate), \"latencyMs\": {\"p50\": \(p.p50Milliseconds), \"p99\": \(p.p99Milliseconds)}}"
        }
        let head = "{\"hours\": \(Double(minutes) / 60), \"requestsPerSecond\": \(requestsPerSecond), "
            + "\"baseline\": \(arm(migration.baseline))"
        if migration.expected == .promoted { return head + ", \"candidate\": \(arm(migration.candidate))}\n" }
        return head + ", \"changes\": [{\"atMinutes\": 0, \"arm\": \"candidate\", "
            + arm(migration.candidate).dropFirst() + "]}\n"
    }

    /// The policy `glidepath demo` applies for `migration` (valid JSON, accepted by `glidepath lint`).
    package func policy(for migration: Migration) -> String {
        let steps = stepWeights.enumerated().map { i, w in
            i == stepWeights.count - 1 ? "{\"weight\": \(w)}" : "{\"weight\": \(w), \"bake\": \"\(bakeSeconds)s\"}"
        }
        let story = migration.expected == .promoted
            ? "a candidate with fewer errors and lower latency than legacy: it ramps to 100 %"
            : "a candidate with 8 % errors and twice the latency of legacy: the judge rolls it back"
        return """
            {
              "migration": "\(migration.name)",
              "description": "glidepath demo: \(story) (\(migration.candidate.name): \(migration.candidate.summary); \
            \(migration.baseline.name): \(migration.baseline.summary)).",
              "baseline": "\(migration.baseline.name)",
              "candidate": "\(migration.candidate.name)",
              "interval": "1s",
              "pollAfter": "1s",
              "steps": [\(steps.joined(separator: ", "))],
              "minRequests": 50,
              "judge": "sequential",
              "sequential": {"alpha": 0.001, "badRatio": 3},
              "guards": {"errors": {"statuses": [0, 429, "5xx"]}}
            }

            """
    }
}
