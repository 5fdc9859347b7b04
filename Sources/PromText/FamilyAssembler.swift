/// Groups parsed lines into families and enforces the rules that span lines: one HELP and one TYPE
/// per name, TYPE before samples, contiguous families, unique series, histogram/summary shapes.
struct FamilyAssembler {
    private struct Entry {
        var family: MetricFamily
        var typeDeclared = false
        /// Every series seen: its hash → the last sample with that hash; `seriesNext[i]` is the sample
        /// before `i` with the same hash (-1 for none). A hash only finds candidates; equality decides.
        var seriesHead: [UInt64: Int] = [:]
        var seriesNext: [Int] = []
        /// Histogram series (labels without `le`) in order of first sample, chained by hash likewise.
        var histogramSeries: [HistogramSeries] = []
        var histogramHead: [UInt64: Int] = [:]
        /// The series of the previous histogram sample (consecutive buckets mostly share one).
        var lastHistogram: (hash: UInt64, position: Int)?
    }

    private struct HistogramSeries {
        var firstLine: Int
        var labels: [(name: String, value: String)]
        var hash: UInt64
        var next: Int
        var hasInfBucket = false
    }

    private var entries: [Entry] = []
    private var indexByName: [String: Int] = [:]
    private var current: Int?
    /// The last sample's name and family: consecutive samples of one name skip the family lookup.
    private var previous: (name: String, index: Int, isBucket: Bool)?
    /// ANDed into every series hash (tests pass 0 to make all series collide).
    private let seriesHashMask: UInt64

    init(seriesHashMask: UInt64 = ~0) { self.seriesHashMask = seriesHashMask }

    var families: [MetricFamily] { entries.map(\.family) }

    mutating func setHelp(_ help: String, for name: String, line: Int) throws(PromTextError) {
        if let existing = indexByName[name], entries[existing].family.help != nil {
            throw PromTextError(line: line, message: "duplicate HELP line for \"\(name)\"")
        }
        let index = try enter(name, line: line)
        entries[index].family.help = help
    }

    mutating func setType(_ type: MetricType, for name: String, line: Int) throws(PromTextError) {
        if let existing = indexByName[name] {
            guard !entries[existing].typeDeclared else {
                throw PromTextError(line: line, message: "duplicate TYPE line for \"\(name)\"")
            }
            guard entries[existing].family.samples.isEmpty else {
                throw PromTextError(line: line, message: "TYPE line for \"\(name)\" after its samples")
            }
        }
        let index = try enter(name, line: line)
        entries[index].typeDeclared = true
        entries[index].family.type = type
    }

    mutating func add(_ parsed: ParsedSample, line: Int) throws(PromTextError) {
        let sample = parsed.sample
        let index: Int
        let isBucket: Bool
        if let previous, previous.index == current, previous.name == sample.name {
            index = previous.index
            isBucket = previous.isBucket
        } else {
            index = try familyIndex(for: sample.name, line: line)
            _ = try enter(entries[index].family.name, line: line)
            isBucket = sample.name.hasSuffix("_bucket")
            previous = (sample.name, index, isBucket)
        }
        // Only name and type: a copy of the whole family would make the append below copy every sample.
        switch entries[index].family.type {
        case .histogram:
            try checkHistogramSample(sample, hash: parsed.seriesHashWithoutLe & seriesHashMask, isBucket: isBucket,
                                     in: index, line: line)
        case .summary: try checkSummarySample(sample, family: entries[index].family.name, line: line)
        case .counter, .gauge, .untyped: break
        }
        let position = entries[index].family.samples.count
        var candidate = entries[index].seriesHead.updateValue(position, forKey: parsed.seriesHash & seriesHashMask) ?? -1
        entries[index].seriesNext.append(candidate)
        while candidate >= 0 {
            if Self.sameSeries(entries[index].family.samples[candidate], sample) {
                throw PromTextError(line: line, message: "duplicate series \(Self.describe(sample.name, sample.labels))")
            }
            candidate = entries[index].seriesNext[candidate]
        }
        entries[index].family.samples.append(sample)
    }

    /// True when `a` and `b` name one series: the same name and the same label pairs in any order.
    /// Labels are unique within a sample (the parser checks), so equal counts and every pair of `a` in
    /// `b` is equality.
    static func sameSeries(_ a: Sample, _ b: Sample) -> Bool {
        a.name == b.name && sameLabels(a.labels, b.labels, skipping: nil)
    }

    /// The pairs of `labels` other than `skipped` are exactly `other`'s (in any order).
    private static func sameLabels(
        _ labels: [(name: String, value: String)], _ other: [(name: String, value: String)], skipping skipped: String?
    ) -> Bool {
        var count = 0
        for label in labels where label.name != skipped {
            guard other.contains(where: { $0.name == label.name && $0.value == label.value }) else { return false }
            count += 1
        }
        return count == other.count
    }

    /// Checks the family the input ended in.
    mutating func finish() throws(PromTextError) {
        if let current { try close(current) }
    }

    /// Makes the family `name` current (creating it as untyped), closing the previous one. A family
    /// whose samples ended earlier cannot come back.
    private mutating func enter(_ name: String, line: Int) throws(PromTextError) -> Int {
        let index = indexByName[name] ?? create(name)
        guard index != current else { return index }
        guard entries[index].family.samples.isEmpty else {
            throw PromTextError(line: line, message: "samples of \"\(name)\" are not contiguous")
        }
        if let current { try close(current) }
        current = index
        return index
    }

    private mutating func create(_ name: String) -> Int {
        entries.append(Entry(family: MetricFamily(name: name, type: .untyped, help: nil, samples: [])))
        indexByName[name] = entries.count - 1
        return entries.count - 1
    }

    /// The family a sample name belongs to: its own, a histogram or summary it is a part of, or a new one.
    private mutating func familyIndex(for name: String, line: Int) throws(PromTextError) -> Int {
        if let own = indexByName[name] {
            if entries[own].family.type == .histogram {
                throw PromTextError(line: line, message: Self.histogramSuffixMessage(family: name, sample: name))
            }
            return own
        }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            guard let index = indexByName[base] else { continue }
            let type = entries[index].family.type
            if type == .histogram || (type == .summary && suffix != "_bucket") { return index }
        }
        if let current, [.histogram, .summary].contains(entries[current].family.type) {
            let base = entries[current].family.name
            if name.hasPrefix(base + "_") {
                throw PromTextError(line: line, message: entries[current].family.type == .histogram
                    ? Self.histogramSuffixMessage(family: base, sample: name)
                    : "summary \"\(base)\" sample \"\(name)\" must be \(base), \(base)_sum or \(base)_count")
            }
        }
        return create(name)
    }

    private mutating func checkHistogramSample(
        _ sample: Sample, hash: UInt64, isBucket: Bool, in index: Int, line: Int
    ) throws(PromTextError) {
        let position = histogramSeries(of: sample, hash: hash, in: index, line: line)
        guard isBucket else { return }
        guard let le = sample.label("le") else {
            throw PromTextError(line: line, message: "\"\(sample.name)\" sample without an \"le\" label")
        }
        guard let bound = PromFloat.parse(le), !bound.isNaN else {
            throw PromTextError(line: line, message: "invalid \"le\" value \"\(le)\"")
        }
        if bound == .infinity { entries[index].histogramSeries[position].hasInfBucket = true }
    }

    /// The position of `sample`'s histogram series (its labels but `le`), added if new.
    private mutating func histogramSeries(of sample: Sample, hash: UInt64, in index: Int, line: Int) -> Int {
        if let last = entries[index].lastHistogram, last.hash == hash,
           Self.sameLabels(sample.labels, entries[index].histogramSeries[last.position].labels, skipping: "le") {
            return last.position
        }
        let head = entries[index].histogramHead[hash] ?? -1
        var candidate = head
        while candidate >= 0 {
            let series = entries[index].histogramSeries[candidate]
            if Self.sameLabels(sample.labels, series.labels, skipping: "le") {
                entries[index].lastHistogram = (hash, candidate)
                return candidate
            }
            candidate = series.next
        }
        let position = entries[index].histogramSeries.count
        entries[index].histogramSeries.append(
            HistogramSeries(firstLine: line, labels: sample.labels.filter { $0.name != "le" }, hash: hash, next: head))
        entries[index].histogramHead[hash] = position
        entries[index].lastHistogram = (hash, position)
        return position
    }

    private func checkSummarySample(_ sample: Sample, family: String, line: Int) throws(PromTextError) {
        guard sample.name == family else { return }
        guard let quantile = sample.label("quantile") else {
            throw PromTextError(line: line, message: "summary sample \"\(family)\" without a \"quantile\" label")
        }
        guard PromFloat.parse(quantile) != nil else {
            throw PromTextError(line: line, message: "invalid \"quantile\" value \"\(quantile)\"")
        }
    }

    /// A histogram family is complete only when every series has its `+Inf` bucket.
    private func close(_ index: Int) throws(PromTextError) {
        for series in entries[index].histogramSeries where !series.hasInfBucket {
            throw PromTextError(line: series.firstLine, message:
                "histogram \"\(entries[index].family.name)\" series \(Self.describe("", series.labels)) has no le=\"+Inf\" bucket")
        }
    }

    private static func histogramSuffixMessage(family: String, sample: String) -> String {
        "histogram \"\(family)\" sample \"\(sample)\" must end in _bucket, _sum or _count"
    }

    /// `name{a="x",b="y"}` with label values escaped as in the text format.
    static func describe(_ name: String, _ labels: [(name: String, value: String)]) -> String {
        var bytes = Array(name.utf8)
        bytes.append(UInt8(ascii: "{"))
        ExpositionWriter.appendLabelPairs(labels.map(\.name), labels.map(\.value), into: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
