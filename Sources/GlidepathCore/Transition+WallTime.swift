extension Transition {
    /// The transition with its times for people set to `wall` (ms since the Unix epoch): the decision's
    /// `at`, the status's `updatedAt`, and `stepStartedWall` when this transition started the step.
    ///
    /// The state machine is driven by the controller's steady clock (`now` in every core function), which
    /// the step clock (`stepStartedAt`) keeps; the shell stamps wall time on what is displayed and audited.
    package func recorded(atWall wall: Int64) -> Transition {
        var out = self
        out.status.updatedAt = wall
        out.decision.at = wall
        if out.status.stepStartedWall == nil { out.status.stepStartedWall = wall }
        return out
    }
}
