import Foundation
import GlidepathCore

/// Which series to read for one migration.
package struct MetricsQuery: Hashable, Sendable {
    package var migration: String
    package var baseline: String
    package var candidate: String
    /// The policy's `metrics` section: `.own` (the default) reads the controller's own series.
    package var metrics: MetricsSpec
    /// `guards.custom[i].counter`, in the policy's order (read into `ArmCounts.custom`).
    package var custom: [CounterRef]
    /// The policy's interval: an external source reads at most once per interval.
    package var interval: TimeSpan
    /// False when the round only samples the migration for the status page's history: an external source
    /// then answers its last reading and starts no read.
    package var due: Bool

    package init(migration: String, baseline: String, candidate: String, metrics: MetricsSpec = MetricsSpec(),
                 custom: [CounterRef] = [], interval: TimeSpan = .seconds(10), due: Bool = true) {
        self.migration = migration
        self.baseline = baseline
        self.candidate = candidate
        self.metrics = metrics
        self.custom = custom
        self.interval = interval
        self.due = due
    }
}

/// One migration's answer from a source: counts (with a note on what was read, for the decision record),
/// a failure (no data: the step holds), or nothing yet (an external read still in flight).
package enum MetricsReading: Hashable, Sendable {
    case counts(ArmPair, note: String?)
    case failed(String)
    case pending
}

/// Where the control loop reads cumulative per-arm counters. One call per round for every due migration,
/// so a scrape is shared. A migration missing from the answer has no series (it is skipped this round).
/// A thrown error means no data for anyone this round: never treated as zeros.
package protocol MetricsSource: Sendable {
    func fetch(_ queries: [MetricsQuery]) throws -> [String: ArmPair]
    /// Per-migration readings; the default wraps `fetch` (every migration answered is `.counts`).
    func read(_ queries: [MetricsQuery]) throws -> [String: MetricsReading]
}

extension MetricsSource {
    package func read(_ queries: [MetricsQuery]) throws -> [String: MetricsReading] {
        try fetch(queries).mapValues { .counts($0, note: nil) }
    }
}

/// A fake source for tests: answers what it was told, or fails when told to.
package final class InMemoryMetricsSource: MetricsSource, @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: ArmPair] = [:]
    private var failure: (any Error)?

    package init() {}

    package func set(_ pair: ArmPair, for migration: String) { lock.withLock { counts[migration] = pair } }

    /// Adds increments on top of the cumulative counts.
    package func add(_ delta: ArmPair, for migration: String) {
        lock.withLock {
            var c = counts[migration] ?? .zero
            for arm in Arm.allCases { c[arm] = Self.sum(c[arm], delta[arm]) }
            counts[migration] = c
        }
    }

    package func fail(with error: (any Error)?) { lock.withLock { failure = error } }

    package func fetch(_ queries: [MetricsQuery]) throws -> [String: ArmPair] {
        try lock.withLock {
            if let failure { throw failure }
            var out: [String: ArmPair] = [:]
            for q in queries { out[q.migration] = counts[q.migration] ?? .zero }
            return out
        }
    }

    static func sum(_ a: ArmCounts, _ b: ArmCounts) -> ArmCounts { a + b }
}
