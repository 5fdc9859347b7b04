/// One sample line.
package struct Sample: Hashable, Sendable {
    package var name: String
    /// Labels in the order written.
    package var labels: [(name: String, value: String)]
    package var value: Double
    package var timestampMs: Int64?

    package init(name: String, labels: [(name: String, value: String)], value: Double, timestampMs: Int64? = nil) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestampMs = timestampMs
    }

    package func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }

    /// Equal when name, labels (in order) and timestamp match; `NaN` equals `NaN` so parsed texts compare.
    package static func == (a: Sample, b: Sample) -> Bool {
        a.name == b.name && a.labels.map(\.name) == b.labels.map(\.name) && a.labels.map(\.value) == b.labels.map(\.value)
            && (a.value == b.value || (a.value.isNaN && b.value.isNaN)) && a.timestampMs == b.timestampMs
    }
    package func hash(into h: inout Hasher) { h.combine(name); for l in labels { h.combine(l.name); h.combine(l.value) } }
}
