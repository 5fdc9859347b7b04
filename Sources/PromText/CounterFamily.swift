import Synchronization

/// A counter with labels. Values only go up.
///
/// Label values are passed in the order of the family's label names. A family without labels has its
/// single series from registration on, at 0, so it is scraped before anything happened.
package final class CounterFamily: @unchecked Sendable, RegisteredFamily {
    package let name: String
    package let help: String
    package let labelNames: [String]
    var type: MetricType { .counter }

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
        header = ExpositionWriter.header(name: name, help: help, type: .counter)
        if labelNames.isEmpty { add(0, labels: []) }
    }

    /// Adds `value` (>= 0) to the series, creating it at 0 first.
    package func add(_ value: Double, labels: [String]) {
        precondition(value >= 0, "\(name): a counter cannot go down (\(value))")
        checkArity(labels)
        table.withLock { table in
            table.series(labels, make: makeSeries(labels)).value += value
        }
    }

    /// The current value; 0 for a series never touched.
    /// A read with the wrong number of label values is a programmer's mistake (it would silently read 0).
    package func value(labels: [String]) -> Double {
        precondition(labels.count == labelNames.count,
                     "\(name) has \(labelNames.count) labels (\(labelNames)), read with \(labels.count)")
        return table.withLock { $0.existing(labels)?.value ?? 0 }
    }

    /// Removes one series (a migration that is gone).
    package func remove(labels: [String]) {
        table.withLock { $0.remove(labels) }
    }

    /// Removes every series whose label values match, e.g. all arms of a deleted migration.
    package func removeAll(where shouldRemove: @Sendable ([String]) -> Bool) {
        table.withLock { $0.removeAll(where: shouldRemove) }
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
