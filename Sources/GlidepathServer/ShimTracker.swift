import Foundation
import PromText

/// Which weights revision each shim (by its `Glidepath-Shim` id) last fetched, per migration, exported as
/// `glidepath_shims{migration,revision}`.
///
/// Bounds, whatever clients send:
/// - only ids of 1...64 bytes of `[A-Za-z0-9._:-]` are tracked (others are ignored, never stored);
/// - a shim not seen for 3 × `pollAfter` is forgotten and leaves the counts;
/// - at most `maxPerMigration` shims per migration; a new id beyond it is not tracked, until old ones
///   expire and make room;
/// - O(1) per poll: each migration keeps its shims in a list ordered by last poll (a poll moves its shim
///   to the end in place), so expiring is popping from the front, paid by the polls that come later.
///
/// The caller passes monotonic milliseconds (`now`), so a wall-clock step neither expires nor keeps
/// anyone. Thread-safe; one short lock per poll.
package final class ShimTracker: @unchecked Sendable {
    package static let maxIdBytes = 64
    package static let defaultMaxPerMigration = 10_000
    /// A shim is forgotten after this many `pollAfter` periods without a poll.
    package static let expiryPolls: Int64 = 3

    package let maxPerMigration: Int
    private let gauge: GaugeFamily?
    private let lock = NSLock()
    private var tables: [String: Table] = [:]

    /// `gauge`: the `glidepath_shims{migration,revision}` family kept equal to `counts(migration:)`.
    package init(gauge: GaugeFamily?, maxPerMigration: Int = ShimTracker.defaultMaxPerMigration) {
        self.gauge = gauge
        self.maxPerMigration = max(1, maxPerMigration)
    }

    /// True for an id that is tracked: 1...64 bytes of letters, digits, `.`, `_`, `:` and `-`.
    package static func isTrackable(_ id: String) -> Bool {
        var n = 0
        for b in id.utf8 {
            n += 1
            guard n <= maxIdBytes else { return false }
            switch b {
            case 48...57, 65...90, 97...122, 46, 95, 58, 45: continue
            default: return false
            }
        }
        return n > 0
    }

    /// Notes that shim `id` fetched `revision` of `migration` at monotonic `now` (ms); `pollAfterMs` is
    /// the migration's poll interval. Returns false when the id is not tracked (bad id, or the cap).
    @discardableResult
    package func note(_ id: String, migration: String, revision: Int64, pollAfterMs: Int64, now: Int64) -> Bool {
        guard Self.isTrackable(id) else { return false }
        let ttl = Self.expiryPolls * max(1, min(pollAfterMs, 86_400_000))
        lock.lock()
        defer { lock.unlock() }
        let table: Table
        if let existing = tables[migration] {
            table = existing
        } else {
            table = Table()
            tables[migration] = table
        }
        table.ttl = ttl
        // Amortized expiry: a few of the oldest per poll keeps the list short without a full scan.
        expire(table, migration: migration, now: now, limit: 4)
        if let slot = table.index[id] {
            table.lastSeen[slot] = now
            table.moveToBack(slot)
            let previous = table.revision[slot]
            if previous != revision {
                table.revision[slot] = revision
                adjust(table, migration: migration, revision: previous, by: -1)
                adjust(table, migration: migration, revision: revision, by: 1)
            }
            return true
        }
        if table.index.count >= maxPerMigration {
            // Full: make room from expired shims first (each is popped once, so this stays amortized O(1)).
            expire(table, migration: migration, now: now, limit: .max)
            guard table.index.count < maxPerMigration else { return false }
        }
        table.insert(id, revision: revision, now: now)
        adjust(table, migration: migration, revision: revision, by: 1)
        return true
    }

    /// Forgets every shim not seen for 3 × `pollAfter` in every migration (call before rendering the
    /// counts, so shims that all stopped polling leave the gauge). Costs O(migrations + expired).
    package func expireAll(now: Int64) {
        lock.lock()
        defer { lock.unlock() }
        for (migration, table) in tables { expire(table, migration: migration, now: now, limit: .max) }
    }

    /// Shims per revision of `migration` right now.
    package func counts(migration: String) -> [Int64: Int] {
        lock.withLock { tables[migration]?.counts ?? [:] }
    }

    /// Shims tracked for `migration` right now.
    package func count(migration: String) -> Int {
        lock.withLock { tables[migration]?.index.count ?? 0 }
    }

    /// Forgets a migration's shims and their series.
    package func remove(migration: String) {
        lock.lock()
        defer { lock.unlock() }
        guard let table = tables.removeValue(forKey: migration) else { return }
        for revision in table.counts.keys { gauge?.remove(labels: [migration, String(revision)]) }
    }

    private func expire(_ table: Table, migration: String, now: Int64, limit: Int) {
        var n = 0
        while n < limit, let slot = table.oldest, table.lastSeen[slot] + table.ttl <= now {
            let revision = table.revision[slot]
            table.removeSlot(slot)
            adjust(table, migration: migration, revision: revision, by: -1)
            n += 1
        }
    }

    private func adjust(_ table: Table, migration: String, revision: Int64, by delta: Int) {
        let n = (table.counts[revision] ?? 0) + delta
        let labels = [migration, String(revision)]
        if n <= 0 {
            table.counts[revision] = nil
            gauge?.remove(labels: labels)
        } else {
            table.counts[revision] = n
            gauge?.set(Double(n), labels: labels)
        }
    }

    /// One migration's shims: slots in parallel arrays, linked from least to most recently seen.
    private final class Table {
        var index: [String: Int] = [:]
        var ids: [String] = []
        var revision: [Int64] = []
        var lastSeen: [Int64] = []
        var prev: [Int] = []
        var next: [Int] = []
        var free: [Int] = []
        var head = -1
        var tail = -1
        var counts: [Int64: Int] = [:]
        var ttl: Int64 = 15_000

        var oldest: Int? { head >= 0 ? head : nil }

        func insert(_ id: String, revision r: Int64, now: Int64) {
            let slot: Int
            if let reused = free.popLast() {
                slot = reused
                ids[slot] = id
                revision[slot] = r
                lastSeen[slot] = now
            } else {
                slot = ids.count
                ids.append(id)
                revision.append(r)
                lastSeen.append(now)
                prev.append(-1)
                next.append(-1)
            }
            index[id] = slot
            linkAtBack(slot)
        }

        func removeSlot(_ slot: Int) {
            unlink(slot)
            index[ids[slot]] = nil
            ids[slot] = ""
            free.append(slot)
        }

        func moveToBack(_ slot: Int) {
            guard tail != slot else { return }
            unlink(slot)
            linkAtBack(slot)
        }

        private func linkAtBack(_ slot: Int) {
            prev[slot] = tail
            next[slot] = -1
            if tail >= 0 { next[tail] = slot } else { head = slot }
            tail = slot
        }

        private func unlink(_ slot: Int) {
            let p = prev[slot], n = next[slot]
            if p >= 0 { next[p] = n } else { head = n }
            if n >= 0 { prev[n] = p } else { tail = p }
            prev[slot] = -1
            next[slot] = -1
        }
    }
}
