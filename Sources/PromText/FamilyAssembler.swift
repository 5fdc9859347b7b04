/// Groups parsed lines into families and enforces the rules that span lines: one HELP and one TYPE
/// per name, TYPE before samples, contiguous families, unique series, histogram/summary shapes.
struct FamilyAssembler {
    private struct Entry {
        var family: MetricFamily
        var typeDeclared = false
        /// Every series seen: the sample name followed by its label pairs sorted by name.
        var series: Set<[String]> = []
        /// Histogram series (labels without `le`, flattened) in order of first sample, with that line.
        var histogramSeries: [[String]] = []
        var histogramFirstLine: [[String]: Int] = [:]
        var histogramHasInf: Set<[String]> = []
    }

    private var entries: [Entry] = []
    private var indexByName: [String: Int] = [:]
    private var current: Int?

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

    mutating func add(_ sample: Sample, line: Int) throws(PromTextError) {
        let index = try familyIndex(for: sample.name, line: line)
        _ = try enter(entries[index].family.name, line: line)
        let family = entries[index].family
        switch family.type {
        case .histogram: try checkHistogramSample(sample, in: index, line: line)
        case .summary: try checkSummarySample(sample, family: family.name, line: line)
        case .counter, .gauge, .untyped: break
        }
        let key = [sample.name] + sample.labels.sorted { $0.name < $1.name }.flatMap { [$0.name, $0.value] }
        guard entries[index].series.insert(key).inserted else {
            throw PromTextError(line: line, message: "duplicate series \(Self.describe(sample.name, sample.labels))")
        }
        entries[index].family.samples.append(sample)
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

    private mutating func checkHistogramSample(_ sample: Sample, in index: Int, line: Int) throws(PromTextError) {
        let family = entries[index].family.name
        let seriesKey = sample.labels.filter { $0.name != "le" }.sorted { $0.name < $1.name }.flatMap { [$0.name, $0.value] }
        if entries[index].histogramFirstLine[seriesKey] == nil {
            entries[index].histogramFirstLine[seriesKey] = line
            entries[index].histogramSeries.append(seriesKey)
        }
        guard sample.name == family + "_bucket" else { return }
        guard let le = sample.label("le") else {
            throw PromTextError(line: line, message: "\"\(sample.name)\" sample without an \"le\" label")
        }
        guard let bound = PromFloat.parse(le), !bound.isNaN else {
            throw PromTextError(line: line, message: "invalid \"le\" value \"\(le)\"")
        }
        if bound == .infinity { entries[index].histogramHasInf.insert(seriesKey) }
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
        let entry = entries[index]
        for key in entry.histogramSeries where !entry.histogramHasInf.contains(key) {
            let labels = stride(from: 0, to: key.count, by: 2).map { (name: key[$0], value: key[$0 + 1]) }
            throw PromTextError(line: entry.histogramFirstLine[key] ?? 0,
                                message: "histogram \"\(entry.family.name)\" series \(Self.describe("", labels)) has no le=\"+Inf\" bucket")
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
