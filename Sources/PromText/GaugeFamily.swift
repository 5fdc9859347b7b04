import Synchronization

/// A gauge with labels.
///
/// Label values are passed in the order of the family's label names. A family without labels has its
/// single series from registration on, at 0 (as client_golang does).
package final class GaugeFamily: @unchecked Sendable, RegisteredFamily {
    package let name: String
    package let help: String
    package let labelNames: [String]
    var type: MetricType { .gauge }

    private final class Series: LabeledSeries {
        let labelValues: [String]
        let prefix: [UInt8]
        var value = 0.0
        init(labelValues: [String], prefix: [UInt8]) { self.labelValues = labelValues; self.prefix = prefix }
    }

    private let header: [UInt8]
    private let table: Mutex<SeriesTable<Series>>

    init(name: String, help: String, labelNames: [String], indexedLabel: String? = nil,
         stamps: ChangeStamps? = nil) {
        table = Mutex(SeriesTable(indexPosition: indexedLabel.flatMap { labelNames.firstIndex(of: $0) },
                                   stamps: stamps, family: name))
        self.name = name
        self.help = help
        self.labelNames = labelNames
        header = ExpositionWriter.header(name: name, help: help, type: .gauge)
        if labelNames.isEmpty { set(0, labels: []) }
    }

    /// Sets the series, creating it when needed.
    package func set(_ value: Double, labels: [String]) {
        checkArity(labels)
        table.withLock { table in
            table.series(labels, make: makeSeries(labels)).value = value
        }
    }

    /// Adds `delta` (may be negative) to the series, creating it at 0 first.
    package func add(_ delta: Double, labels: [String]) {
        checkArity(labels)
        table.withLock { table in
            table.series(labels, make: makeSeries(labels)).value += delta
        }
    }

    /// Removes one series (a migration that is gone).
    package func remove(labels: [String]) {
        table.withLock { $0.remove(labels) }
    }

    /// Removes every series whose label values match, e.g. all series of a deleted migration.
    package func removeAll(where shouldRemove: @Sendable ([String]) -> Bool) {
        table.withLock { $0.removeAll(where: shouldRemove) }
    }

    /// The current value, or nil when the series does not exist.
    package func value(labels: [String]) -> Double? {
        table.withLock { $0.existing(labels)?.value }
    }

    private func makeSeries(_ labels: [String]) -> () -> Series {
        { [name, labelNames] in
            Series(labelValues: labels,
                   prefix: ExpositionWriter.samplePrefix(name: name, labelNames: labelNames, labelValues: labels))
        }
    }

    func render(into out: inout [UInt8]) {
        table.withLock { table in
            if table.isEmpty { return }
            render(table.sorted(), into: &out)
        }
    }

    func render(into out: inout [UInt8], selection: SeriesSelection) {
        guard let position = labelNames.firstIndex(of: selection.label) else { return }
        table.withLock { table in
            let list = table.sorted(whereLabelAt: position, isIn: selection.values, orderedValues: selection.ordered)
            if list.isEmpty { return }
            render(list, into: &out)
        }
    }

    private func render(_ list: [Series], into out: inout [UInt8]) {
        out.append(contentsOf: header)
        for series in list {
            out.append(contentsOf: series.prefix)
            PromFloat.append(series.value, into: &out)
            out.append(UInt8(ascii: "\n"))
        }
    }
}
