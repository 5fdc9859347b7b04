import Foundation
import GlidepathCore

/// Which series to read for one migration.
public struct MetricsQuery: Hashable, Sendable {
    public var migration: String
    public var baseline: String
    public var candidate: String

    public init(migration: String, baseline: String, candidate: String) {
        self.migration = migration
        self.baseline = baseline
        self.candidate = candidate
    }
}

/// Where the control loop reads cumulative per-arm counters. One call per round for every due migration,
/// so a scrape is shared. A migration missing from the answer has no series (it is skipped this round).
/// A thrown error means no data for anyone this round: never treated as zeros.
public protocol MetricsSource: Sendable {
    func fetch(_ queries: [MetricsQuery]) throws -> [String: ArmPair]
}

/// A fake source for tests: answers what it was told, or fails when told to.
public final class InMemoryMetricsSource: MetricsSource, @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: ArmPair] = [:]
    private var failure: (any Error)?

    public init() {}

    public func set(_ pair: ArmPair, for migration: String) { lock.withLock { counts[migration] = pair } }

    /// Adds increments on top of the cumulative counts.
    public func add(_ delta: ArmPair, for migration: String) {
        lock.withLock {
            var c = counts[migration] ?? .zero
            for arm in Arm.allCases { c[arm] = Self.sum(c[arm], delta[arm]) }
            counts[migration] = c
        }
    }

    public func fail(with error: (any Error)?) { lock.withLock { failure = error } }

    public func fetch(_ queries: [MetricsQuery]) throws -> [String: ArmPair] {
        try lock.withLock {
            if let failure { throw failure }
            var out: [String: ArmPair] = [:]
            for q in queries { out[q.migration] = counts[q.migration] ?? .zero }
            return out
        }
    }

    static func sum(_ a: ArmCounts, _ b: ArmCounts) -> ArmCounts {
        var latency = a.latency
        if latency.isEmpty { latency = b.latency } else if !b.latency.isEmpty {
            for i in latency.indices where i < b.latency.count { latency[i] += b.latency[i] }
        }
        return ArmCounts(requests: a.requests + b.requests, errors: a.errors + b.errors,
                         clientErrors: a.clientErrors + b.clientErrors, latency: latency,
                         latencySum: a.latencySum + b.latencySum, tokens: a.tokens + b.tokens)
    }
}
