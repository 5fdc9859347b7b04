import Synchronization

/// Holds every metric family of the process and renders them in the Prometheus text format 0.0.4.
///
/// Thread-safe. Families render sorted by name (byte order), series sorted by label values, so output
/// is stable. A family with no series renders nothing (neither HELP nor TYPE), as client_golang does;
/// a family without labels always has its one series. Registering a name again with the same kind,
/// label names (and buckets) returns the existing family, keeping the first help text; any other
/// re-registration, an invalid name, or a duplicate label name is a programmer error (precondition).
package final class MetricRegistry: @unchecked Sendable {
    private struct State {
        var byName: [String: any RegisteredFamily] = [:]
        var sorted: [any RegisteredFamily] = []
        /// The size of the last render, to reserve the next buffer in one go.
        var lastRenderSize = 0
    }

    private let state = Mutex(State())
    /// The label every family indexes its series by (e.g. `migration`), for `render(selection:)`.
    package let indexedLabel: String?
    /// Per value of `indexedLabel`, a stamp that moves whenever one of its series changes.
    package let changes = ChangeStamps()

    /// `indexedLabel`: families with a label of that name group their series by its value, so a render of
    /// a few of its values costs what they hold, not what the whole registry holds.
    package init(indexedLabel: String? = nil) {
        self.indexedLabel = indexedLabel
    }

    /// Registers (or returns the existing) counter family.
    package func counter(_ name: String, help: String, labels: [String]) -> CounterFamily {
        register(name, type: .counter, labels: labels) { existing in
            existing.map { $0 as? CounterFamily }
                ?? CounterFamily(name: name, help: help, labelNames: labels, indexedLabel: indexedLabel, stamps: changes)
        }
    }

    /// Registers (or returns the existing) gauge family.
    package func gauge(_ name: String, help: String, labels: [String]) -> GaugeFamily {
        register(name, type: .gauge, labels: labels) { existing in
            existing.map { $0 as? GaugeFamily }
                ?? GaugeFamily(name: name, help: help, labelNames: labels, indexedLabel: indexedLabel, stamps: changes)
        }
    }

    /// Registers (or returns the existing) histogram family with these upper bounds (`+Inf` is implicit).
    ///
    /// Bounds must be strictly ascending and not NaN; a trailing `+Inf` is dropped since it is implicit.
    package func histogram(_ name: String, help: String, labels: [String], buckets: [Double]) -> HistogramFamily {
        var bounds = buckets
        if bounds.last == .infinity { bounds.removeLast() }
        let ascending = zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 } && !bounds.contains { $0.isNaN }
        precondition(ascending, "\(name): histogram buckets must be strictly ascending: \(buckets)")
        precondition(!labels.contains("le"), "\(name): a histogram cannot have a label named le")
        return register(name, type: .histogram, labels: labels) { existing in
            guard let existing else {
                return HistogramFamily(name: name, help: help, labelNames: labels, upperBounds: bounds,
                                       indexedLabel: indexedLabel, stamps: changes)
            }
            guard let histogram = existing as? HistogramFamily, histogram.upperBounds == bounds else { return nil }
            return histogram
        }
    }

    /// The whole exposition text.
    package func render() -> [UInt8] {
        let (families, expected) = state.withLock { ($0.sorted, $0.lastRenderSize) }
        var out: [UInt8] = []
        out.reserveCapacity(expected + expected / 8 + 1024)
        for family in families { family.render(into: &out) }
        let size = out.count
        state.withLock { $0.lastRenderSize = size }
        return out
    }

    /// Removes, from every family with a label `name`, the series whose `name` is `value` (a deleted
    /// migration's series, in families registered later too). Returns how many families had that label.
    @discardableResult
    package func removeSeries(label name: String, value: String) -> Int {
        let families = state.withLock { $0.sorted }
        var n = 0
        for family in families {
            guard let index = family.labelNames.firstIndex(of: name) else { continue }
            family.removeAll { $0[index] == value }
            n += 1
        }
        if name == indexedLabel { changes.forget(value) }
        return n
    }

    /// The part of the exposition holding the selected series: every (selected) family with at least one
    /// of them, header included, its selected series in the order `render()` writes them. Its lines are exactly the
    /// full render's lines for those series. Through the index when `selection.label` is `indexedLabel`,
    /// else a scan of each family (same text, slower).
    package func render(selection: SeriesSelection) -> [UInt8] {
        let families = state.withLock { $0.sorted }
        var out: [UInt8] = []
        for family in families where selection.families?.contains(family.name) ?? true {
            family.render(into: &out, selection: selection)
        }
        return out
    }

    /// Finds or creates the family under the registry lock; `resolve` gets the existing family (if any)
    /// and returns it typed, a new one, or nil for a kind mismatch.
    private func register<Family: RegisteredFamily>(
        _ name: String, type: MetricType, labels: [String], resolve: (_ existing: (any RegisteredFamily)?) -> Family?
    ) -> Family {
        Self.validate(name: name, labels: labels)
        let family: Family? = state.withLock { state in
            let existing = state.byName[name]
            guard let family = resolve(existing) else { return nil }
            if existing == nil {
                state.byName[name] = family
                state.sorted = state.byName.values.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            }
            return family
        }
        guard let family, family.labelNames == labels else {
            preconditionFailure("\(name): already registered with another type, labels or buckets")
        }
        return family
    }

    private static func validate(name: String, labels: [String]) {
        precondition(NameRules.isValidMetricName(name), "invalid metric name \"\(name)\"")
        for label in labels {
            let valid = NameRules.isValidLabelName(label) && !label.hasPrefix("__")
            precondition(valid, "\(name): invalid label name \"\(label)\"")
        }
        precondition(Set(labels).count == labels.count, "\(name): duplicate label name in \(labels)")
    }
}
