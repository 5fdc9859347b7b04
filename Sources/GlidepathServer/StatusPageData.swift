import GlidepathCore

/// An audit-log entry as the status page shows it: the decision and, for an operator's action, who
/// acted (`by`, when the controller knows it).
package struct LoggedDecision: Sendable {
    package var decision: Decision
    package var by: String?

    /// `by` defaults to the decision's own (who the operator said they were).
    package init(_ decision: Decision, by: String? = nil) {
        self.decision = decision
        self.by = by ?? decision.by
    }
}

/// What the overview (`GET /`) shows: every migration, live and quarantined.
package struct OverviewPageData: Sendable {
    package var entries: [MigrationEntry]
    package var broken: [BrokenMigration]
    package var now: TimeReading
    /// Whether the page reloads itself (`?refresh=off` turns it off).
    package var refresh: Bool

    package init(entries: [MigrationEntry], broken: [BrokenMigration], now: TimeReading, refresh: Bool = true) {
        self.entries = entries
        self.broken = broken
        self.now = now
        self.refresh = refresh
    }
}

/// What one migration's page (`GET /migrations/{name}`) shows. The router gathers it; the renderer
/// reads nothing else.
package struct MigrationPageData: Sendable {
    /// The migration (nil when it is quarantined: `broken` is set instead).
    package var entry: MigrationEntry?
    package var broken: BrokenMigration?
    /// The newest audit-log entries, newest first.
    package var decisions: [LoggedDecision]
    /// Why the audit log could not be read (the page is still served).
    package var decisionsError: String?
    /// Counter samples, oldest first (`StatusHistory`).
    package var history: [HistorySample]
    /// Shims per weights revision they last fetched (`ShimTracker`).
    package var shims: [Int64: Int]
    package var now: TimeReading
    package var refresh: Bool

    package init(entry: MigrationEntry?, broken: BrokenMigration? = nil, decisions: [LoggedDecision] = [],
                 decisionsError: String? = nil, history: [HistorySample] = [], shims: [Int64: Int] = [:],
                 now: TimeReading, refresh: Bool = true) {
        self.entry = entry
        self.broken = broken
        self.decisions = decisions
        self.decisionsError = decisionsError
        self.history = history
        self.shims = shims
        self.now = now
        self.refresh = refresh
    }

    package var name: String { entry?.name ?? broken?.name ?? "" }
}
