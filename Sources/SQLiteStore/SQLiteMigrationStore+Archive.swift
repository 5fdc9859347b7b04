import GlidepathCore

/// Deleting migrations into the archive (schema 6), reading it back, and history retention.
extension SQLiteMigrationStore: MigrationArchive {
    package func archive(_ request: ArchiveRequest) throws -> ArchivedMigration {
        let name = request.migration
        return try withConnection("archive") { db in
            if !db.isAutocommit { try? db.exec("ROLLBACK") }
            return try db.transaction { () throws -> ArchivedMigration in
                let current = try db.prepare("""
                    SELECT m.phase, m.step, m.revision, m.policy_version, p.source
                    FROM migrations m JOIN policy_versions p ON p.migration = m.name AND p.version = m.policy_version
                    WHERE m.name = ?
                    """)
                try current.bind(.text(name))
                guard try current.step() else {
                    throw MigrationStoreError(code: .unknownMigration, migration: name,
                                              message: "migration \"\(name)\" is not stored; nothing deleted")
                }
                let revision = current.int64(at: 2)
                guard revision == request.expectedRevision else {
                    throw MigrationStoreError(code: .staleRevision, migration: name, message:
                        "migration \"\(name)\" is at revision \(revision), not \(request.expectedRevision); nothing deleted")
                }
                var archived = ArchivedMigration(
                    id: 0, migration: name, archivedAt: request.at, phase: current.text(at: 0), step: current.int(at: 1),
                    revision: revision, policyVersion: current.int(at: 3), policySource: current.text(at: 4),
                    policyDigests: [], by: request.by, reason: request.reason, decisionCount: 0)
                let versions = try db.prepare("SELECT source FROM policy_versions WHERE migration = ? ORDER BY version")
                try versions.bind(.text(name))
                while try versions.step() { archived.policyDigests.append(PolicyDigest.of(versions.text(at: 0))) }

                let insert = try db.prepare("""
                    INSERT INTO archived_migrations (name, archived_at, phase, step, revision, policy_version,
                                                     policy_source, policy_digests, actor_name, reason)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                try insert.bind(.text(name), .integer(request.at), .text(archived.phase), .int(archived.step),
                                .integer(revision), .int(archived.policyVersion), .text(archived.policySource),
                                .text(archived.policyDigests.joined(separator: " ")),
                                request.by.map { .text($0) } ?? .null, .text(request.reason))
                try insert.step()
                archived.id = try db.scalarInt("SELECT last_insert_rowid()") ?? 0

                let move = try db.prepare("""
                    INSERT INTO archived_decisions (archive_id, at, revision, action, from_step, to_step, baseline,
                                                    candidate, candidate_bp, actor, reason, evidence, actor_name)
                    SELECT ?, at, revision, action, from_step, to_step, baseline, candidate, candidate_bp, actor,
                           reason, evidence, actor_name
                    FROM decisions WHERE migration = ? ORDER BY id
                    """)
                try move.bind(.integer(archived.id), .text(name))
                try move.step()
                archived.decisionCount = Int(try db.scalarInt("SELECT changes()") ?? 0)
                // Children first: policy_versions and decisions reference migrations immediately; the
                // migrations row's reference to its policy version is deferred to the commit.
                for sql in ["DELETE FROM decisions WHERE migration = ?", "DELETE FROM judge_state WHERE migration = ?",
                            "DELETE FROM policy_versions WHERE migration = ?", "DELETE FROM migrations WHERE name = ?"] {
                    let delete = try db.prepare(sql)
                    try delete.bind(.text(name))
                    try delete.step()
                }
                // Notices of a migration that no longer exists are not sent; settled rows keep their dedupe keys.
                let settle = try db.prepare("""
                    UPDATE notification_outbox SET settled_at = ?, outcome = 'dropped',
                        last_error = 'dropped: the migration was deleted'
                    WHERE migration = ? AND settled_at IS NULL
                    """)
                try settle.bind(.integer(request.at), .text(name))
                try settle.step()
                return archived
            }
        }
    }

    package func archives(migration: String) throws -> [ArchivedMigration] {
        try withConnection("archives") { db in
            let query = try db.prepare("""
                SELECT a.id, a.archived_at, a.phase, a.step, a.revision, a.policy_version, a.policy_source,
                       a.policy_digests, a.actor_name, a.reason,
                       (SELECT COUNT(*) FROM archived_decisions d WHERE d.archive_id = a.id)
                FROM archived_migrations a WHERE a.name = ? ORDER BY a.id DESC
                """)
            try query.bind(.text(migration))
            var result: [ArchivedMigration] = []
            while try query.step() {
                let digests = query.text(at: 7).split(separator: " ").map(String.init)
                result.append(ArchivedMigration(
                    id: query.int64(at: 0), migration: migration, archivedAt: query.int64(at: 1), phase: query.text(at: 2),
                    step: query.int(at: 3), revision: query.int64(at: 4), policyVersion: query.int(at: 5),
                    policySource: query.text(at: 6), policyDigests: digests, by: query.optionalText(at: 8),
                    reason: query.text(at: 9), decisionCount: query.int(at: 10)))
            }
            return result
        }
    }

    package func archivedDecisions(archiveID: Int64, limit: Int) throws -> [Decision] {
        let json = StoreJSON()
        return try withConnection("archivedDecisions") { db in
            // Same columns, in the same order, as `selectDecisionsSQL`, so one row mapping reads both.
            let query = try db.prepare("""
                SELECT at, revision, action, from_step, to_step, baseline, candidate, candidate_bp, actor, reason,
                       evidence, actor_name
                FROM archived_decisions WHERE archive_id = ? ORDER BY id DESC LIMIT ?
                """)
            try query.bind(.integer(archiveID), .int(max(0, limit)))
            var result: [Decision] = []
            while try query.step() { result.append(try Self.decision(from: query, json: json)) }
            return result
        }
    }

    package func applyRetention(_ retention: HistoryRetention, now: Int64,
                                shouldContinue: () -> Bool) throws -> RetentionReport {
        var report = RetentionReport()
        guard !retention.keepsEverything else { return report }
        let batch = retention.batch
        // Each group is walked on its index (decisions by migration, archived decisions by archive) up to a
        // bound computed once: the newest id stays (live migrations), and a cap keeps the newest N.
        let cutoff = retention.cutoff(now: now)
        let live = try groups("SELECT migration, MAX(id), COUNT(*) FROM decisions GROUP BY migration")
        for g in live {
            if let cutoff {
                report.decisions += try deleteInBatches("""
                    DELETE FROM decisions WHERE id IN (SELECT id FROM decisions WHERE migration = ?2 AND id < ?3
                        AND at < ?4 LIMIT ?1)
                    """, [g.key, .integer(g.newest), .integer(cutoff)], batch: batch, report: &report, shouldContinue)
            }
            if retention.maxDecisions > 0, g.count > retention.maxDecisions,
               let bound = try boundary("SELECT id FROM decisions WHERE migration = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
                                        g.key, keep: retention.maxDecisions) {
                report.decisions += try deleteInBatches("""
                    DELETE FROM decisions WHERE id IN (SELECT id FROM decisions WHERE migration = ?2 AND id <= ?3 LIMIT ?1)
                    """, [g.key, .integer(bound)], batch: batch, report: &report, shouldContinue)
            }
        }
        if let cutoff {
            report.archivedDecisions += try deleteInBatches("""
                DELETE FROM archived_decisions WHERE id IN (SELECT id FROM archived_decisions WHERE at < ?2 LIMIT ?1)
                """, [.integer(cutoff)], batch: batch, report: &report, shouldContinue)
        }
        if retention.maxDecisions > 0 {
            let archives = try groups("SELECT archive_id, MAX(id), COUNT(*) FROM archived_decisions GROUP BY archive_id")
            for g in archives where g.count > retention.maxDecisions {
                guard let bound = try boundary(
                    "SELECT id FROM archived_decisions WHERE archive_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
                    g.key, keep: retention.maxDecisions) else { continue }
                report.archivedDecisions += try deleteInBatches("""
                    DELETE FROM archived_decisions WHERE id IN (SELECT id FROM archived_decisions WHERE archive_id = ?2
                        AND id <= ?3 LIMIT ?1)
                    """, [g.key, .integer(bound)], batch: batch, report: &report, shouldContinue)
            }
        }
        return report
    }

    /// The groups `sql` lists: key (a migration name or an archive id), newest id, row count.
    private func groups(_ sql: String) throws -> [(key: SQLiteValue, newest: Int64, count: Int)] {
        try withConnection("applyRetention") { db in
            let query = try db.prepare(sql)
            var result: [(key: SQLiteValue, newest: Int64, count: Int)] = []
            while try query.step() {
                let key: SQLiteValue = sql.contains("archive_id") ? .integer(query.int64(at: 0)) : .text(query.text(at: 0))
                result.append((key, query.int64(at: 1), query.int(at: 2)))
            }
            return result
        }
    }

    /// The id of the newest row a group loses under a cap of `keep` (the `keep + 1`-th newest), if any.
    private func boundary(_ sql: String, _ key: SQLiteValue, keep: Int) throws -> Int64? {
        try withConnection("applyRetention") { db in
            let query = try db.prepare(sql)
            try query.bind(key, .int(keep))
            return try query.step() ? query.int64(at: 0) : nil
        }
    }

    /// Runs `sql` (`?1` = the batch size, `?2`... = `parameters`) until a batch deletes fewer rows than the
    /// batch size: one transaction per batch, the lock released between batches.
    private func deleteInBatches(_ sql: String, _ parameters: [SQLiteValue], batch: Int,
                                 report: inout RetentionReport, _ shouldContinue: () -> Bool) throws -> Int {
        var total = 0
        while shouldContinue() {
            let n = try withConnection("applyRetention") { db -> Int in
                if !db.isAutocommit { try? db.exec("ROLLBACK") }
                return try db.transaction { () throws -> Int in
                    let statement = try db.prepare(sql)
                    try statement.bind(Int64(batch), at: 1)
                    for (i, value) in parameters.enumerated() {
                        let index = Int32(i + 2)
                        switch value {
                        case .integer(let v): try statement.bind(v, at: index)
                        case .real(let v): try statement.bind(v, at: index)
                        case .text(let v): try statement.bind(v, at: index)
                        case .null: try statement.bindNull(at: index)
                        }
                    }
                    try statement.step()
                    return Int(try db.scalarInt("SELECT changes()") ?? 0)
                }
            }
            report.batches += 1
            total += n
            if n < batch { return total }
        }
        return total
    }
}
