/// A series object that knows its label values (in the family's label order).
protocol LabeledSeries: AnyObject {
    var labelValues: [String] { get }
}

/// The series of one family, keyed by label values, with a cached render order.
///
/// Not thread-safe: the owning family keeps it inside its mutex. The sorted order (by label values,
/// label by label, comparing UTF-8 bytes) is kept between renders; series added or removed since are
/// merged into it at the next render (the judge's evidence series come and go every tick: a full sort of
/// the family at each scrape cost a third of `/metrics` at 1,000 migrations).
///
/// With an index (`indexPosition`, the registry's indexed label, e.g. `migration`), the series are also
/// grouped by that label's value, so a partial render (`sorted(whereLabelAt:isIn:)`) touches only the
/// groups it asks for instead of scanning every series of the family.
struct SeriesTable<Series: LabeledSeries> {
    /// A series with the stamp of its indexed label's value (nil without an index).
    private struct Slot {
        let series: Series
        let stamp: ChangeStamps.Stamp?
    }

    private var byLabels: [[String]: Slot] = [:]
    /// The render order as of the last `sorted()`; nil when it must be rebuilt by a full sort.
    private var sortedCache: [Series]? = []
    /// Series created since `sortedCache` was made (in no order).
    private var added: [Series] = []
    /// Series of `sortedCache` removed since. Identities are safe: the cache keeps those objects alive.
    private var removed: Set<ObjectIdentifier> = []

    /// One value of the indexed label: its series, sorted on demand.
    private struct Group {
        var series: [Series] = []
        var isSorted = true
    }

    /// The position of the indexed label in the family's label names; nil without an index.
    let indexPosition: Int?
    /// Where changes to the indexed label's values are stamped (the registry's, shared by its families).
    let stamps: ChangeStamps?
    /// The owning family's name, the other half of a stamp's key.
    let family: String
    private var groups: [String: Group] = [:]

    init(indexPosition: Int? = nil, stamps: ChangeStamps? = nil, family: String = "") {
        self.indexPosition = indexPosition
        self.stamps = indexPosition == nil ? nil : stamps
        self.family = family
    }

    var isEmpty: Bool { byLabels.isEmpty }
    var count: Int { byLabels.count }

    func existing(_ labelValues: [String]) -> Series? { byLabels[labelValues]?.series }

    /// The series for these label values, created by `make` on first use, for a change: its indexed
    /// value's stamp moves (the caller changes it under the same lock).
    mutating func series(_ labelValues: [String], make: () -> Series) -> Series {
        if let found = byLabels[labelValues] {
            if let stamp = found.stamp { stamps?.touch(stamp) }
            return found.series
        }
        let created = make()
        let stamp = indexPosition.flatMap { stamps?.stamp(for: labelValues[$0], family: family) }
        if let stamp { stamps?.touch(stamp) }
        byLabels[labelValues] = Slot(series: created, stamp: stamp)
        if sortedCache != nil { added.append(created) }
        if let p = indexPosition {
            groups[labelValues[p], default: Group()].series.append(created)
            groups[labelValues[p]]?.isSorted = false
        }
        return created
    }

    mutating func remove(_ labelValues: [String]) {
        guard let gone = byLabels.removeValue(forKey: labelValues) else { return }
        if sortedCache != nil {
            if let i = added.firstIndex(where: { $0 === gone.series }) {
                added.remove(at: i)
            } else {
                removed.insert(ObjectIdentifier(gone.series))
            }
        }
        if let stamp = gone.stamp { stamps?.touch(stamp) }
        if let p = indexPosition {
            let key = labelValues[p]
            groups[key]?.series.removeAll { $0 === gone.series }
            if groups[key]?.series.isEmpty == true { groups[key] = nil }
        }
    }

    mutating func removeAll(where shouldRemove: ([String]) -> Bool) {
        let before = byLabels.count
        var kept: [[String]: Slot] = [:]
        for (labels, slot) in byLabels {
            if !shouldRemove(labels) { kept[labels] = slot } else if let stamp = slot.stamp { stamps?.touch(stamp) }
        }
        byLabels = kept
        guard byLabels.count != before else { return }
        sortedCache = nil
        added = []
        removed = []
        if let p = indexPosition {
            // Rare (a migration deleted or renamed): rebuilding the groups is simpler than patching them.
            groups = [:]
            for (labels, slot) in byLabels { groups[labels[p], default: Group(isSorted: false)].series.append(slot.series) }
            for key in groups.keys { groups[key]?.isSorted = false }
        }
    }

    /// Every series in render order.
    mutating func sorted() -> [Series] {
        guard let cached = sortedCache else {
            let order = byLabels.values.map(\.series).sorted { Self.precedes($0.labelValues, $1.labelValues) }
            sortedCache = order
            added = []
            removed = []
            return order
        }
        if added.isEmpty && removed.isEmpty { return cached }
        let kept = removed.isEmpty ? cached : cached.filter { !removed.contains(ObjectIdentifier($0)) }
        let order = Self.merge(kept, added.sorted { Self.precedes($0.labelValues, $1.labelValues) })
        sortedCache = order
        added = []
        removed = []
        return order
    }

    /// Two lists in render order as one.
    static func merge(_ a: [Series], _ b: [Series]) -> [Series] {
        if b.isEmpty { return a }
        var out: [Series] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if precedes(b[j].labelValues, a[i].labelValues) {
                out.append(b[j]); j += 1
            } else {
                out.append(a[i]); i += 1
            }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }

    /// The series whose label at `position` has one of `values`, in render order (the same relative
    /// order as `sorted()`). Uses the index when `position` is the indexed label: the cost follows the
    /// series asked for, not the family's size. `orderedValues` is `values` in UTF-8 byte order.
    mutating func sorted(whereLabelAt position: Int, isIn values: Set<String>, orderedValues: [String]) -> [Series] {
        guard position == indexPosition else {
            return sorted().filter { values.contains($0.labelValues[position]) }
        }
        var out: [Series] = []
        for key in orderedValues {
            guard groups[key] != nil else { continue }
            if groups[key]?.isSorted == false {
                groups[key]?.series.sort { Self.precedes($0.labelValues, $1.labelValues) }
                groups[key]?.isSorted = true
            }
            out.append(contentsOf: groups[key]?.series ?? [])
        }
        // Groups in key order are already in render order only when the indexed label comes first.
        if position != 0 { out.sort { Self.precedes($0.labelValues, $1.labelValues) } }
        return out
    }

    static func precedes(_ a: [String], _ b: [String]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        }
        return a.count < b.count
    }
}
