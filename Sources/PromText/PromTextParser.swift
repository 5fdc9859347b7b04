/// The type a `# TYPE` line declares.
public enum MetricType: String, Hashable, Sendable {
    case counter, gauge, histogram, summary, untyped
}

/// One sample line.
public struct Sample: Hashable, Sendable {
    public var name: String
    /// Labels in the order written.
    public var labels: [(name: String, value: String)]
    public var value: Double
    public var timestampMs: Int64?

    public init(name: String, labels: [(name: String, value: String)], value: Double, timestampMs: Int64? = nil) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestampMs = timestampMs
    }

    public func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }

    public static func == (a: Sample, b: Sample) -> Bool {
        a.name == b.name && a.labels.map(\.name) == b.labels.map(\.name) && a.labels.map(\.value) == b.labels.map(\.value)
            && (a.value == b.value || (a.value.isNaN && b.value.isNaN)) && a.timestampMs == b.timestampMs
    }
    public func hash(into h: inout Hasher) { h.combine(name); for l in labels { h.combine(l.name); h.combine(l.value) } }
}

/// A metric family: the samples under one `# TYPE` (or one untyped name).
public struct MetricFamily: Hashable, Sendable {
    public var name: String
    public var type: MetricType
    public var help: String?
    public var samples: [Sample]

    public init(name: String, type: MetricType, help: String?, samples: [Sample]) {
        self.name = name
        self.type = type
        self.help = help
        self.samples = samples
    }
}

/// A text-format error with its 1-based line.
public struct PromTextError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public init(line: Int, message: String) { self.line = line; self.message = message }
    public var description: String { "line \(line): \(message)" }
}

/// A strict parser of the Prometheus text exposition format 0.0.4.
public enum PromTextParser {
    public static func parse(_ text: String) throws(PromTextError) -> [MetricFamily] { fatalError("TODO") }
}
