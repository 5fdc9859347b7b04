import Synchronization

/// A histogram with labels.
///
/// Renders `name_bucket{...,le="b"}` cumulative counts for every bound and `le="+Inf"`, then
/// `name_sum` and `name_count` (equal to the `+Inf` bucket). `le` always comes after the other labels.
/// A family without labels has its single series from registration on, all zero.
package final class HistogramFamily: @unchecked Sendable, RegisteredFamily {
    package let name: String
    package let help: String
    package let labelNames: [String]
    /// The finite upper bounds, strictly ascending; `+Inf` is implicit.
    package let upperBounds: [Double]
    var type: MetricType { .histogram }

    private final class Series: LabeledSeries {
        let labelValues: [String]
        let bucketPrefix: [UInt8]
        let sumPrefix: [UInt8]
        let countPrefix: [UInt8]
        /// Non-cumulative, one per bound plus `+Inf`.
        var counts: [UInt64]
        var sum = 0.0
        init(labelValues: [String], bucketPrefix: [UInt8], sumPrefix: [UInt8], countPrefix: [UInt8], buckets: Int) {
            self.labelValues = labelValues
            self.bucketPrefix = bucketPrefix
            self.sumPrefix = sumPrefix
            self.countPrefix = countPrefix
            counts = Array(repeating: 0, count: buckets)
        }
    }

    private let header: [UInt8]
    /// `le="<bound>"} ` per bound plus `+Inf`, computed once.
    private let leSuffixes: [[UInt8]]
    private let table: Mutex<SeriesTable<Series>>

    init(name: String, help: String, labelNames: [String], upperBounds: [Double], indexedLabel: String? = nil,
         stamps: ChangeStamps? = nil) {
        table = Mutex(SeriesTable(indexPosition: indexedLabel.flatMap { labelNames.firstIndex(of: $0) },
                                   stamps: stamps, family: name))
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.upperBounds = upperBounds
        header = ExpositionWriter.header(name: name, help: help, type: .histogram)
        leSuffixes = (upperBounds + [.infinity]).map(ExpositionWriter.leSuffix)
        if labelNames.isEmpty { add(bucketCounts: Array(repeating: 0, count: upperBounds.count + 1), sum: 0, labels: []) }
    }

    /// Records one observation in the first bucket whose bound is >= `value` (NaN lands in `+Inf`).
    package func observe(_ value: Double, labels: [String]) {
        checkArity(labels)
        let bucket = bucketIndex(value)
        table.withLock { table in
            let series = table.series(labels, make: makeSeries(labels))
            series.counts[bucket] &+= 1
            series.sum += value
        }
    }

    /// Merges pre-aggregated counts: `bucketCounts` non-cumulative, one per bound plus `+Inf`.
    /// One lock acquisition per batch, so ingest threads barely contend with rendering.
    package func add(bucketCounts: [UInt64], sum: Double, labels: [String]) {
        checkArity(labels)
        let matches = bucketCounts.count == upperBounds.count + 1
        precondition(matches, "\(name): expected \(upperBounds.count + 1) bucket counts, got \(bucketCounts.count)")
        table.withLock { table in
            let series = table.series(labels, make: makeSeries(labels))
            for index in bucketCounts.indices { series.counts[index] &+= bucketCounts[index] }
            series.sum += sum
        }
    }

    /// The index of the bucket `value` falls in: the first bound >= value, or the `+Inf` bucket.
    package func bucketIndex(_ value: Double) -> Int {
        var low = 0
        var high = upperBounds.count
        while low < high {
            let mid = (low + high) / 2
            if upperBounds[mid] >= value { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// A copy of one series, or nil when it does not exist.
    package func snapshot(labels: [String]) -> HistogramSnapshot? {
        table.withLock { table in
            table.existing(labels).map {
                HistogramSnapshot(upperBounds: upperBounds, bucketCounts: $0.counts, sum: $0.sum)
            }
        }
    }

    /// Removes one series (a migration that is gone).
    package func remove(labels: [String]) {
        table.withLock { $0.remove(labels) }
    }

    /// Removes every series whose label values match, e.g. both arms of a deleted migration.
    package func removeAll(where shouldRemove: @Sendable ([String]) -> Bool) {
        table.withLock { $0.removeAll(where: shouldRemove) }
    }

    private func makeSeries(_ labels: [String]) -> () -> Series {
        { [name, labelNames, upperBounds] in
            Series(
                labelValues: labels,
                bucketPrefix: ExpositionWriter.bucketPrefix(name: name + "_bucket", labelNames: labelNames, labelValues: labels),
                sumPrefix: ExpositionWriter.samplePrefix(name: name + "_sum", labelNames: labelNames, labelValues: labels),
                countPrefix: ExpositionWriter.samplePrefix(name: name + "_count", labelNames: labelNames, labelValues: labels),
                buckets: upperBounds.count + 1)
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
            var cumulative: UInt64 = 0
            for index in series.counts.indices {
                cumulative &+= series.counts[index]
                out.append(contentsOf: series.bucketPrefix)
                out.append(contentsOf: leSuffixes[index])
                PromFloat.append(cumulative, into: &out)
                out.append(UInt8(ascii: "\n"))
            }
            out.append(contentsOf: series.sumPrefix)
            PromFloat.append(series.sum, into: &out)
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: series.countPrefix)
            PromFloat.append(cumulative, into: &out)
            out.append(UInt8(ascii: "\n"))
        }
    }
}
