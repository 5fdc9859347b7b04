/// Where a migration is in its lifecycle (protocol.md, "Migration lifecycle").
package enum Phase: String, Sendable, CaseIterable, Codable {
    /// At `steps[step].weight`; the judge may advance or roll back.
    case ramping
    /// At a gate: a manual one opens on an operator's `resume` or `advance`, a webhook gate also on a 2xx answer
    /// while the judge would advance; the judge may still roll back.
    case waiting
    /// Frozen by an operator; the judge records evidence but takes no action.
    case paused
    /// Terminal: candidate at 100 %.
    case promoted
    /// Terminal: candidate at 0 %, with a reason.
    case rolledBack = "rolled_back"

    package var isTerminal: Bool { self == .promoted || self == .rolledBack }
}
