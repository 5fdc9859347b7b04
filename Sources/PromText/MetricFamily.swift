/// The type a `# TYPE` line declares.
public enum MetricType: String, Hashable, Sendable {
    case counter, gauge, histogram, summary, untyped
}

/// A metric family: the samples under one `# TYPE` (or one untyped name), in the order written.
///
/// Samples of a histogram or summary (`x_bucket`, `x_sum`, `x_count`, `x{quantile=...}`) belong to
/// the family `x`. A family declared by `# HELP`/`# TYPE` without samples has an empty `samples`.
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
