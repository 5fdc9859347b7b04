import GlidepathCore

extension Controller {
    /// One log line per decision: a judge's is a `decision` event, a policy applied (or a migration
    /// created) a `policy_applied` event, any other operator action an `operator_action` event.
    static func logDecision(_ d: Decision, migration name: String) {
        let event: LogEvent = switch (d.actor, d.action) {
        case (.judge, _): .decision
        case (.operator, .created), (.operator, .policy): .policyApplied
        case (.operator, _): .operatorAction
        }
        let by = d.by.map { " by=\($0)" } ?? ""
        var fields: [(String, JSON)] = [
            ("migration", .string(name)), ("revision", .int(d.revision)), ("action", .string(d.action.rawValue)),
            ("fromStep", .int(Int64(d.fromStep))), ("toStep", .int(Int64(d.toStep))),
            ("candidateWeight", .raw(d.candidateWeight.description)), ("actor", .string(d.actor.rawValue)),
        ]
        if let who = d.by { fields.append(("by", .string(who))) }
        fields.append(("reason", .string(d.reason)))
        Log.event(event, .info, "decision migration=\(name) revision=\(d.revision) action=\(d.action) "
            + "step=\(d.fromStep)->\(d.toStep) candidate_weight=\(d.candidateWeight)% actor=\(d.actor.rawValue)\(by): "
            + d.reason, fields)
    }
}
