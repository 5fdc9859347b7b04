/// What the registry needs from every family kind: identity for re-registration checks and rendering.
protocol RegisteredFamily: AnyObject, Sendable {
    var name: String { get }
    var type: MetricType { get }
    var labelNames: [String] { get }
    /// Appends the family's lines; nothing at all when it has no series.
    func render(into out: inout [UInt8])
    /// Removes every series whose label values match.
    func removeAll(where shouldRemove: @Sendable ([String]) -> Bool)

    /// Appends the header and the selected series, in the same order as `render(into:)`; nothing at all
    /// when no series is selected (or the family has no such label).
    func render(into out: inout [UInt8], selection: SeriesSelection)
}

extension RegisteredFamily {
    /// Checks a label-values argument against the family's label names; a mismatch is a programmer error.
    func checkArity(_ labelValues: [String]) {
        let matches = labelValues.count == labelNames.count
        precondition(matches, "\(name): expected \(labelNames.count) label values \(labelNames), got \(labelValues)")
    }
}
