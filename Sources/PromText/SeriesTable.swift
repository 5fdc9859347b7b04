/// A series object that knows its label values (in the family's label order).
protocol LabeledSeries: AnyObject {
    var labelValues: [String] { get }
}

/// The series of one family, keyed by label values, with a cached render order.
///
/// Not thread-safe: the owning family keeps it inside its mutex. The sorted order (by label values,
/// label by label, comparing UTF-8 bytes) is recomputed only after a series is added or removed.
struct SeriesTable<Series: LabeledSeries> {
    private var byLabels: [[String]: Series] = [:]
    private var sortedCache: [Series]? = []

    var isEmpty: Bool { byLabels.isEmpty }
    var count: Int { byLabels.count }

    func existing(_ labelValues: [String]) -> Series? { byLabels[labelValues] }

    /// The series for these label values, created by `make` on first use.
    mutating func series(_ labelValues: [String], make: () -> Series) -> Series {
        if let found = byLabels[labelValues] { return found }
        let created = make()
        byLabels[labelValues] = created
        sortedCache = nil
        return created
    }

    mutating func remove(_ labelValues: [String]) {
        if byLabels.removeValue(forKey: labelValues) != nil { sortedCache = nil }
    }

    mutating func removeAll(where shouldRemove: ([String]) -> Bool) {
        let before = byLabels.count
        byLabels = byLabels.filter { !shouldRemove($0.key) }
        if byLabels.count != before { sortedCache = nil }
    }

    /// Every series in render order.
    mutating func sorted() -> [Series] {
        if let cached = sortedCache { return cached }
        let order = byLabels.values.sorted { Self.precedes($0.labelValues, $1.labelValues) }
        sortedCache = order
        return order
    }

    static func precedes(_ a: [String], _ b: [String]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        }
        return a.count < b.count
    }
}
