/// The type a `# TYPE` line declares.
package enum MetricType: String, Hashable, Sendable {
    case counter, gauge, histogram, summary, untyped
}

/// A metric family: the samples under one `# TYPE` (or one untyped name), in the order written.
///
/// Samples of a histogram or summary (`x_bucket`, `x_sum`, `x_count`, `x{quantile=...}`) belong to
/// the family `x`. A family declared by `# HELP`/`# TYPE` without samples has an empty `samples`.
package struct MetricFamily: Hashable, Sendable {
    package var name: String
    package var type: MetricType
    package var help: String?
    package var samples: [Sample]

    package init(name: String, type: MetricType, help: String?, samples: [Sample]) {
        self.name = name
        self.type = type
        self.help = help
        self.samples = samples
    }
}
