import GlidepathCore

/// The SQL of the store and the mapping between rows and values.
extension SQLiteMigrationStore {
    static let selectAllSQL = """
        SELECT m.name, m.policy_version, m.phase, m.step, m.revision, m.step_started_at, m.updated_at,
               m.reason, p.source, j.state, m.step_started_wall, m.held_weight_bp
        FROM migrations m
        JOIN policy_versions p ON p.migration = m.name AND p.version = m.policy_version
        LEFT JOIN judge_state j ON j.migration = m.name
        ORDER BY m.name
        """

    static let selectDecisionsSQL = """
        SELECT at, revision, action, from_step, to_step, baseline, candidate, candidate_bp, actor, reason, evidence,
               actor_name
        FROM decisions WHERE migration = ? ORDER BY id DESC LIMIT ?
        """

    static func storedRevision(_ db: SQLiteConnection, migration: String) throws -> Int64? {
        try db.withCached("SELECT revision FROM migrations WHERE name = ?") { query in
            try query.bind(.text(migration))
            return try query.step() ? query.int64(at: 0) : nil
        }
    }

    static func policyVersionExists(_ db: SQLiteConnection, migration: String, version: Int) throws -> Bool {
        try db.withCached("SELECT 1 FROM policy_versions WHERE migration = ? AND version = ?") { query in
            try query.bind(.text(migration), .int(version))
            return try query.step()
        }
    }

    static func upsertStatus(_ db: SQLiteConnection, _ status: MigrationStatus) throws {
        try db.withCached("""
            INSERT INTO migrations (name, policy_version, phase, step, revision, step_started_at, updated_at, reason,
                                    step_started_wall, held_weight_bp)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET
                policy_version = excluded.policy_version, phase = excluded.phase, step = excluded.step,
                revision = excluded.revision, step_started_at = excluded.step_started_at,
                updated_at = excluded.updated_at, reason = excluded.reason,
                step_started_wall = excluded.step_started_wall, held_weight_bp = excluded.held_weight_bp
            """) { statement in
            try statement.bind(.text(status.migration), .int(status.policyVersion), .text(status.phase.rawValue),
                               .int(status.step), .integer(status.revision), .integer(status.stepStartedAt),
                               .integer(status.updatedAt), .text(status.reason),
                               status.stepStartedWall.map { .integer($0) } ?? .null,
                               status.heldWeight.map { .int($0.basisPoints) } ?? .null)
            try statement.step()
        }
    }

    static func insertPolicyVersion(_ db: SQLiteConnection, migration: String, version: Int,
                                    source: String, createdAt: Int64) throws {
        let statement = try db.prepare(
            "INSERT INTO policy_versions (migration, version, source, created_at) VALUES (?, ?, ?, ?)")
        try statement.bind(.text(migration), .int(version), .text(source), .integer(createdAt))
        try statement.step()
    }

    static func upsertJudgeState(_ db: SQLiteConnection, migration: String, state: String, updatedAt: Int64) throws {
        try db.withCached("""
            INSERT INTO judge_state (migration, state, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (migration) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
            """) { statement in
            try statement.bind(.text(migration), .text(state), .integer(updatedAt))
            try statement.step()
        }
    }

    static func insertDecision(_ db: SQLiteConnection, migration: String, _ decision: Decision,
                               evidence: String) throws {
        let statement = try db.prepare("""
            INSERT INTO decisions (migration, at, revision, action, from_step, to_step, baseline, candidate,
                                   candidate_bp, actor, reason, evidence, actor_name)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.bind(.text(migration), .integer(decision.at), .integer(decision.revision),
                           .text(decision.action.rawValue), .int(decision.fromStep), .int(decision.toStep),
                           .text(decision.baseline), .text(decision.candidate),
                           .int(decision.candidateWeight.basisPoints), .text(decision.actor.rawValue),
                           .text(decision.reason), .text(evidence), decision.by.map { .text($0) } ?? .null)
        try statement.step()
    }

    /// One row of `selectAllSQL`. A part that does not decode makes the migration broken (quarantined),
    /// never the whole load: the other migrations must still start.
    static func storedMigration(from row: SQLiteStatement, json: StoreJSON) -> StoredMigration {
        let name = row.text(at: 0)
        let phaseText = row.text(at: 2)
        var problem: StoredProblem?
        let phase = Phase(rawValue: phaseText) ?? .paused
        if Phase(rawValue: phaseText) == nil { problem = .status("unknown phase \"\(phaseText)\"") }
        var status = MigrationStatus(migration: name, policyVersion: row.int(at: 1), phase: phase,
                                     step: row.int(at: 3), revision: row.int64(at: 4),
                                     stepStartedAt: row.int64(at: 5), updatedAt: row.int64(at: 6),
                                     reason: row.text(at: 7))
        status.stepStartedWall = row.optionalInt64(at: 10)
        if let held = row.optionalInt64(at: 11) {
            if phase == .paused, (0...10_000).contains(held) {
                status.heldWeight = Weight(basisPoints: Int(held))
            } else if problem == nil {
                problem = .status("held weight \(held) bp outside a paused phase or 0...10000")
            }
        }
        var judge = JudgeState.initial
        if problem == nil, let text = row.optionalText(at: 9) {
            switch StoredJudgeState.decode(text, json: json) {
            case .success(let decoded): judge = decoded
            case .failure(let failure): problem = .judgeState(failure.message)
            }
        }
        return StoredMigration(status: status, policySource: row.text(at: 8), judge: judge, problem: problem)
    }

    /// One row of `selectDecisionsSQL`.
    static func decision(from row: SQLiteStatement, json: StoreJSON) throws -> Decision {
        let revision = row.int64(at: 1)
        let actorText = row.text(at: 8)
        guard let actor = DecisionActor(rawValue: actorText) else {
            throw SQLiteStoreError(table: "decisions", key: "revision \(revision)", message: "unknown actor \"\(actorText)\"")
        }
        let actionText = row.text(at: 2)
        guard let action = Decision.Action(rawValue: actionText) else {
            throw SQLiteStoreError(table: "decisions", key: "revision \(revision)", message: "unknown action \"\(actionText)\"")
        }
        let evidence: [GuardEvidence]
        do {
            evidence = try json.decode([GuardEvidence].self, from: row.text(at: 10))
        } catch {
            throw SQLiteStoreError(table: "decisions", key: "revision \(revision)", message: "undecodable evidence: \(error)")
        }
        return Decision(at: row.int64(at: 0), revision: revision, action: action,
                        fromStep: row.int(at: 3), toStep: row.int(at: 4), baseline: row.text(at: 5),
                        candidate: row.text(at: 6), candidateWeight: Weight(basisPoints: row.int(at: 7)),
                        actor: actor, reason: row.text(at: 9), evidence: evidence, by: row.optionalText(at: 11))
    }
}
