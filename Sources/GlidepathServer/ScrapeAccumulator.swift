import GlidepathCore

/// The cumulative per-arm counts of a scraped migration, kept in memory across reads, summed over its
/// targets so that what the judge sees never goes backwards and never counts twice:
///
/// - a target seen for the first time sets its starting point (what it counted before is not evidence);
/// - a target whose values went down restarted: its new values are all new (Prometheus's `increase` rule);
/// - a target that stops answering keeps its contribution frozen, and picks up where it was when it
///   answers again.
package struct ScrapeAccumulator: Sendable {
    package private(set) var total: SourceVector
    private var last: [String: SourceVector] = [:]

    package init(customCount: Int) {
        total = SourceVector(customCount: customCount)
    }

    /// Adds one target's read; returns true when it was a reset.
    @discardableResult
    package mutating func add(target: String, _ values: SourceVector) -> Bool {
        defer { last[target] = values }
        guard let previous = last[target] else { return false }
        if values.isReset(since: previous) {
            total.add(values)
            return true
        }
        total.add(values.subtracting(previous))
        return false
    }

    /// Targets with a starting point.
    package var knownTargets: Int { last.count }
}
