import Foundation
import GlidepathCore

/// Which series to read for one migration.
package struct MetricsQuery: Hashable, Sendable {
    package var migration: String
    package var baseline: String
    package var candidate: String

    package init(migration: String, baseline: String, candidate: String) {
        self.migration = migration
        self.baseline = baseline
        self.candidate = candidate
    }
}

/// Where the control loop reads cumulative per-arm counters. One call per round for every due migration,
/// so a scrape is shared. A migration missing from the answer has no series (it is skipped this round).
/// A thrown error means no data for anyone this round: never treated as zeros.
package protocol MetricsSource: Sendable {
    func fetch(_ queries: [MetricsQuery]) throws -> [String: ArmPair]
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
