import Synchronization

/// For each value of the registry's indexed label (a migration's name) and each family, a stamp that
/// moves whenever a series of that family carrying that value is created, changed or removed.
///
/// A reader that keeps what it parsed from a partial render of some families with their latest stamp
/// (`current(_:families:)`, read before rendering) can skip the next render and parse while it has not
/// moved: nothing those lines hold has changed. Stamps come from one registry-wide sequence, so the
/// latest stamp over any set of families moves with a change to any of them, and a value that is
/// forgotten and comes back never repeats an old stamp.
package final class ChangeStamps: Sendable {
    /// One value's stamp; series keep a reference, so a change costs one atomic store, no lookup.
    final class Stamp: Sendable {
        let value: Atomic<UInt64>
        init(_ initial: UInt64) { value = Atomic(initial) }
    }

    private let sequence = Atomic<UInt64>(0)
    /// value → family name → stamp.
    private let byValue = Mutex<[String: [String: Stamp]]>([:])

    package init() {}

    /// The stamp of `value` in `family`, created (as a change) on first use.
    func stamp(for value: String, family: String) -> Stamp {
        byValue.withLock { map in
            if let found = map[value]?[family] { return found }
            let created = Stamp(next())
            map[value, default: [:]][family] = created
            return created
        }
    }

    /// Records a change to one of the stamp's series. Called under the family's lock, before or after the
    /// change itself: a reader that saw the new stamp renders after the lock is released.
    func touch(_ stamp: Stamp) {
        stamp.value.store(next(), ordering: .releasing)
    }

    /// The latest stamp of `value` over `families`; nil when none of their series ever carried it (or it
    /// was forgotten).
    package func current(_ value: String, families: Set<String>) -> UInt64? {
        byValue.withLock { map in
            guard let stamps = map[value] else { return nil }
            var latest: UInt64?
            for family in families {
                guard let v = stamps[family]?.value.load(ordering: .acquiring) else { continue }
                latest = max(latest ?? 0, v)
            }
            return latest
        }
    }

    /// Drops `value` (its series were removed from every family).
    func forget(_ value: String) {
        _ = byValue.withLock { $0.removeValue(forKey: value) }
    }

    private func next() -> UInt64 {
        sequence.add(1, ordering: .relaxed).newValue
    }
}
