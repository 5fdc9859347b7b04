import Foundation
import GlidepathCore

/// The status page's memory of the last half hour: per migration, samples of each arm's cumulative
/// counters (the counts the control loop reads from the metrics source, the ones `/metrics` exports),
/// taken at each of the migration's ticks and at least every `maxSampleEvery` of steady time. Rates and
/// quantiles are computed between samples when a page is drawn (`HistorySeries`). In memory only: a
/// restart starts an empty history.
///
/// Bounds, whatever the migrations do:
/// - samples older than `keep` (30 minutes) leave, except the one just before the window (the first
///   point needs it);
/// - at most `capacity` samples per migration: when full, every other sample of the older half is
///   dropped. Dropping cumulative samples loses no count (the next point covers both intervals), so a
///   fast policy keeps fine points for the last minutes and coarser ones before;
/// - at most `maxMigrations` migrations; a new one beyond it replaces the migration whose counters
///   have not moved for the longest time;
/// - a sample holds three counters and two histograms trimmed of their empty ends (a histogram equal
///   to the previous sample's shares its storage): ~100 bytes for an idle arm, at most ~1 KB.
///
/// Thread-safe: one short lock per call.
package final class StatusHistory: @unchecked Sendable {
    package static let defaultKeep: Int64 = 30 * 60_000
    package static let defaultCapacity = 240
    package static let defaultMaxSampleEvery: Int64 = 10_000
    package static let defaultMaxMigrations = 32

    /// How far back samples are kept (steady ms).
    package let keep: Int64
    /// Samples kept per migration.
    package let capacity: Int
    /// The longest gap between two samples of a migration whose policy ticks less often (steady ms).
    package let maxSampleEvery: Int64
    /// Migrations with a history.
    package let maxMigrations: Int

    private let lock = NSLock()
    private var rings: [String: Ring] = [:]

    package init(keep: Int64 = StatusHistory.defaultKeep, capacity: Int = StatusHistory.defaultCapacity,
                 maxSampleEvery: Int64 = StatusHistory.defaultMaxSampleEvery,
                 maxMigrations: Int = StatusHistory.defaultMaxMigrations) {
        self.keep = max(1, keep)
        self.capacity = max(4, capacity)
        self.maxSampleEvery = max(1, maxSampleEvery)
        self.maxMigrations = max(1, maxMigrations)
    }

    /// True when `migration`, judged every `interval`, is due for a sample at steady time `now`: it has
    /// none, or the steady clock crossed a multiple of `interval` (at most `maxSampleEvery`) since its
    /// newest — the same grid as the control loop's ticks, so samples ride along with reads done anyway.
    package func wantsSample(_ migration: String, interval: TimeSpan, now: Int64) -> Bool {
        let every = min(max(1, interval.milliseconds), maxSampleEvery)
        return lock.withLock {
            guard let last = rings[migration]?.storage.last?.at else { return true }
            return Ticker.isDue(lastTick: last, interval: every, now: now)
        }
    }

    /// The migrations that have a history (at most `maxMigrations`), so a round can sample between ticks
    /// only those instead of asking about every migration.
    package func trackedMigrations() -> [String] {
        lock.withLock { Array(rings.keys) }
    }

    /// Records a sample of `migration`'s cumulative counts at steady time `now`; `arms` names its
    /// baseline and candidate (a migration whose arms changed starts a new history, as its series do).
    package func record(_ migration: String, arms: ArmNames, counts: ArmPair, at now: Int64) {
        lock.lock()
        defer { lock.unlock() }
        let ring: Ring
        if let existing = rings[migration], existing.arms == arms {
            ring = existing
        } else {
            if rings[migration] == nil, rings.count >= maxMigrations, let idlest = rings.min(by: { a, b in
                (a.value.lastChangeAt, a.key) < (b.value.lastChangeAt, b.key)
            }) {
                rings[idlest.key] = nil
            }
            ring = Ring(arms: arms, now: now)
            rings[migration] = ring
        }
        ring.append(counts, at: now, keep: keep, capacity: capacity)
    }

    /// Forgets a migration's samples (it was deleted).
    package func remove(migration: String) {
        lock.withLock { rings[migration] = nil }
    }

    /// The samples of `migration`, oldest first (empty when it has none).
    package func samples(migration: String) -> [HistorySample] {
        lock.withLock { rings[migration]?.storage ?? [] }
    }

    /// Migrations with a history right now.
    package var count: Int { lock.withLock { rings.count } }

    /// A migration's arm names, to tell a history from a renamed arm's.
    package struct ArmNames: Hashable, Sendable {
        package var baseline: String
        package var candidate: String
        package init(baseline: String, candidate: String) {
            self.baseline = baseline
            self.candidate = candidate
        }
    }

    /// One migration's samples, oldest first.
    private final class Ring {
        let arms: ArmNames
        var storage: [HistorySample] = []
        /// Steady time of the last sample whose counts differed from the one before.
        var lastChangeAt: Int64

        init(arms: ArmNames, now: Int64) {
            self.arms = arms
            lastChangeAt = now
        }

        func append(_ pair: ArmPair, at now: Int64, keep: Int64, capacity: Int) {
            let previous = storage.last
            if let previous, now <= previous.at { return }  // steady time never goes back; a repeat adds nothing
            let sample = HistorySample(at: now, baseline: HistoryArm(pair.baseline, sharing: previous?.baseline),
                                       candidate: HistoryArm(pair.candidate, sharing: previous?.candidate))
            if previous == nil || previous!.baseline != sample.baseline || previous!.candidate != sample.candidate {
                lastChangeAt = now
            }
            storage.append(sample)
            // Keep one sample at or before the window's start: the first point in the window needs it.
            var drop = 0
            while drop + 1 < storage.count, storage[drop + 1].at <= now.subtractingSaturating(keep) { drop += 1 }
            if drop > 0 { storage.removeFirst(drop) }
            if storage.count > capacity {
                let half = storage.count / 2
                var thinned: [HistorySample] = []
                thinned.reserveCapacity(capacity)
                for (i, s) in storage.enumerated() where i >= half || i % 2 == 0 { thinned.append(s) }
                storage = thinned
            }
        }
    }
}

/// One sample: both arms' cumulative counters at steady time `at` (ms).
package struct HistorySample: Sendable, Equatable {
    package var at: Int64
    package var baseline: HistoryArm
    package var candidate: HistoryArm

    package init(at: Int64, baseline: HistoryArm, candidate: HistoryArm) {
        self.at = at
        self.baseline = baseline
        self.candidate = candidate
    }

    package subscript(arm: Arm) -> HistoryArm { arm == .baseline ? baseline : candidate }
}

/// One arm's cumulative counters in a sample: what the charts need (requests, errors, latency and TTFT).
package struct HistoryArm: Sendable, Equatable {
    package var requests: UInt64
    package var errors: UInt64
    package var clientErrors: UInt64
    package var latency: TrimmedHistogram
    package var ttft: TrimmedHistogram

    /// `counts` kept compactly; a histogram equal to `previous`'s shares its storage.
    package init(_ counts: ArmCounts, sharing previous: HistoryArm? = nil) {
        requests = counts.requests
        errors = counts.errors
        clientErrors = counts.clientErrors
        let latency = TrimmedHistogram(counts.latency), ttft = TrimmedHistogram(counts.ttft)
        self.latency = latency == previous?.latency ? previous!.latency : latency
        self.ttft = ttft == previous?.ttft ? previous!.ttft : ttft
    }

    /// The counters as `ArmCounts` (histograms at full length, or empty when none was seen).
    package var counts: ArmCounts {
        ArmCounts(requests: requests, errors: errors, clientErrors: clientErrors, latency: latency.full, ttft: ttft.full)
    }
}

/// A histogram without its leading and trailing empty buckets: `counts[i]` is bucket `offset + i` of
/// `length`.
package struct TrimmedHistogram: Sendable, Equatable {
    package var offset: Int
    package var length: Int
    package var counts: [UInt64]

    package init(_ full: [UInt64]) {
        length = full.count
        guard let first = full.firstIndex(where: { $0 != 0 }), let last = full.lastIndex(where: { $0 != 0 }) else {
            offset = 0
            counts = []
            return
        }
        offset = first
        counts = Array(full[first...last])
    }

    /// Back at full length (empty when the histogram was empty).
    package var full: [UInt64] {
        guard length > 0 else { return [] }
        var out = [UInt64](repeating: 0, count: length)
        for (i, c) in counts.enumerated() { out[offset + i] = c }
        return out
    }
}
