import GlidepathCore

/// JSON documents of the read and admin endpoints.
package enum StatusJSON {
    static func weights(_ status: MigrationStatus, _ policy: Policy) -> JSON {
        let w = status.candidateWeight(policy)
        return .object([(policy.baseline, .raw(w.complement.description)), (policy.candidate, .raw(w.description))])
    }

    /// An item of `GET /v1/migrations`.
    /// `mirror` (the share of buckets mirrored to the candidate) only while a step mirrors.
    package static func summary(_ e: MigrationEntry) -> JSON {
        let mirror = e.status.mirror(e.policy)
        return .object([
            ("migration", .string(e.name)), ("revision", .int(e.status.revision)),
            ("state", .string(e.status.phase.rawValue)), ("step", .int(Int64(e.status.step))),
            ("weights", weights(e.status, e.policy)),
        ] + (mirror > .zero ? [("mirror", .raw(mirror.description))] : []))
    }

    /// An item of `GET /v1/migrations` for a quarantined migration.
    package static func summary(_ b: BrokenMigration) -> JSON {
        .object([
            ("migration", .string(b.name)), ("revision", .int(b.revision)), ("state", .string("broken")),
            ("step", .null), ("weights", b.lastDecision.map(decisionWeights) ?? .null), ("brokenReason", .string(b.reason)),
        ])
    }

    /// `GET /v1/migrations/{name}` of a quarantined migration.
    package static func full(_ b: BrokenMigration) -> JSON {
        .object([
            ("migration", .string(b.name)), ("revision", .int(b.revision)), ("state", .string("broken")),
            ("brokenReason", .string(b.reason)),
            ("baseline", .optional(b.lastDecision?.baseline)), ("candidate", .optional(b.lastDecision?.candidate)),
            ("repair", .string("apply a valid policy for this migration (glidepath apply FILE) to repair it")),
            ("policyVersion", .int(Int64(b.policyVersion))),
            ("lastKnownState", b.lastPhase.map { .string($0.rawValue) } ?? .null),
            ("weights", b.lastDecision.map(decisionWeights) ?? .null),
            ("servingLastWeights", .bool(b.served != nil)),
            ("lastDecision", b.lastDecision.map(decision) ?? .null),
        ])
    }

    /// `GET /v1/migrations/{name}`: everything an operator needs to know why the migration is where it is.
    ///
    /// The step clock and tick times are steady time; `now` converts them to wall time for display, and
    /// `stepElapsedSeconds` is the bake time actually accumulated (downtime does not count).
    package static func full(_ e: MigrationEntry, now: TimeReading) -> JSON {
        let s = e.status, p = e.policy, j = e.judge
        func wall(_ steady: Int64) -> JSON { .string(ISOTime.format(milliseconds: now.wall(atSteady: steady))) }
        let verdict: JSON = j.lastVerdict.map { v in
            .object([("action", .string(v.action.rawValue)), ("rule", .string(v.rule.rawValue)), ("reason", .string(v.reason))])
        } ?? .null
        return .object([
            ("migration", .string(e.name)), ("revision", .int(s.revision)), ("state", .string(s.phase.rawValue)),
            ("step", .int(Int64(s.step))), ("steps", .int(Int64(p.steps.count))),
            ("baseline", .string(p.baseline)), ("candidate", .string(p.candidate)),
            ("weights", weights(s, p)),
            ("mirror", .raw(s.mirror(p).description)),
            ("heldWeight", s.heldWeight.map { .raw($0.description) } ?? .null),
            ("stepStartedAt", s.stepStartedWall.map { .string(ISOTime.format(milliseconds: $0)) } ?? wall(s.stepStartedAt)),
            ("stepElapsedSeconds", .int(max(0, now.steady.subtractingSaturating(s.stepStartedAt)) / 1000)),
            ("durable", .bool(e.durable)),
            ("updatedAt", .string(ISOTime.format(milliseconds: s.updatedAt))),
            ("reason", .string(s.reason)),
            ("policy", policy(p, version: s.policyVersion)),
            ("verdict", verdict),
            ("evidence", evidence(j.lastVerdict?.evidence ?? [])),
            ("stepCounts", .object([(p.baseline, counts(j.step.baseline, arm: .baseline, policy: p)),
                                    (p.candidate, counts(j.step.candidate, arm: .candidate, policy: p))])),
            ("lastTickAt", j.lastTickAt.map(wall) ?? .null),
            ("lastDataAt", j.lastDataAt.map(wall) ?? .null),
            ("lastCandidateAt", j.lastCandidateAt.map(wall) ?? .null),
            ("lastDecision", e.lastDecision.map(decision) ?? .null),
        ])
    }

    static func policy(_ p: Policy, version: Int) -> JSON {
        .object([
            ("version", .int(Int64(version))), ("judge", .string(p.judge.rawValue)),
            ("interval", .string(p.interval.description)), ("minRequests", .int(Int64(p.minRequests))),
            ("steps", .array(p.steps.map { st in
                .object([("weight", .raw(st.weight.description))]
                        + (st.mirror > .zero ? [("mirror", .raw(st.mirror.description))] : [])
                        + [("bake", .string(st.bake.description)), ("gate", gate(st.gate))]
                        + (st.notBefore.map { [("notBefore", JSON.string($0.text))] } ?? []))
            })),
            ("maxHold", p.maxHold.map { .string($0.description) } ?? .null),
            ("onStuck", .string(p.onStuck.rawValue)),
            ("noDataAfter", p.noDataAfter.map { .string($0.description) } ?? .null),
            ("pollAfterSeconds", .int(max(1, p.pollAfter.milliseconds / 1000))),
            ("schedule", p.schedule.map { .raw(PolicyParser.render($0).rendered()) } ?? .null),
        ])
    }

    /// `"manual"`, `{"webhook": "https://host/…"}` (the path left out: it may hold a secret), or null.
    static func gate(_ gate: Gate?) -> JSON {
        switch gate {
        case .manual?: .string("manual")
        case .webhook(let url)?: .object([("webhook", .string(url.redacted))])
        case nil: .null
        }
    }

    static func decisionWeights(_ d: Decision) -> JSON {
        .object([(d.baseline, .raw(d.candidateWeight.complement.description)),
                 (d.candidate, .raw(d.candidateWeight.description))])
    }

    static func evidence(_ list: [GuardEvidence]) -> JSON {
        .array(list.map { .object([("guard", .string($0.guardName.rawValue)), ("test", .string($0.test.rawValue)), ("value", .number($0.value))]) })
    }

    /// One audit-log entry.
    /// `by` (who the operator was) is present only when known.
    package static func decision(_ d: Decision) -> JSON {
        var fields: [(String, JSON)] = [
            ("at", .string(ISOTime.format(milliseconds: d.at))), ("revision", .int(d.revision)),
            ("action", .string(d.action.rawValue)), ("fromStep", .int(Int64(d.fromStep))), ("toStep", .int(Int64(d.toStep))),
            ("weights", decisionWeights(d)),
            ("actor", .string(d.actor.rawValue)),
        ]
        if let by = d.by { fields.append(("by", .string(by))) }
        fields += [("reason", .string(d.reason)), ("evidence", evidence(d.evidence))]
        return .object(fields)
    }
}
