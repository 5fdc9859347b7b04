/// A series in someone else's metrics (policy `metrics` mappings and `guards.custom`): a metric name,
/// the label whose value names the arm, and label matchers (equality only) that narrow it.
///
/// The arm label's values are the policy's arm names: `copy_generation_total{source="holysheep"}` with
/// `arm: "source"` belongs to the arm named `holysheep`.
package struct CounterRef: Hashable, Sendable {
    /// Metric name as exported (for a histogram: the family name, without `_bucket`/`_sum`/`_count`).
    package var metric: String
    /// Label carrying the arm's name; nil: the `metrics` section's default `arm` label.
    package var armLabel: String?
    /// Extra equality matchers, in the policy's order (e.g. `status="error"`).
    package var matchers: [LabelMatcher]

    package init(metric: String, armLabel: String? = nil, matchers: [LabelMatcher] = []) {
        self.metric = metric
        self.armLabel = armLabel
        self.matchers = matchers
    }
}

/// `name="value"`: a label a series must carry with exactly this value.
package struct LabelMatcher: Hashable, Sendable {
    package var name: String
    package var value: String

    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
