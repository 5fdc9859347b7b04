/// The archive and retention of the in-memory store: same rules and messages as the SQLite store.
extension InMemoryMigrationStore: MigrationArchive {
    package func archive(_ request: ArchiveRequest) throws -> ArchivedMigration {
        try contents.withLock { contents throws(MigrationStoreError) -> ArchivedMigration in
            let name = request.migration
            guard let entry = contents.entries[name] else {
                throw MigrationStoreError(code: .unknownMigration, migration: name,
                                          message: "migration \"\(name)\" is not stored; nothing deleted")
            }
            let revision = entry.status.revision
            guard revision == request.expectedRevision else {
                throw MigrationStoreError(code: .staleRevision, migration: name, message:
                    "migration \"\(name)\" is at revision \(revision), not \(request.expectedRevision); nothing deleted")
            }
            let id = (contents.archives.last?.record.id ?? 0) + 1
            let record = ArchivedMigration(
                id: id, migration: name, archivedAt: request.at, phase: entry.status.phase.rawValue,
                step: entry.status.step, revision: revision, policyVersion: entry.status.policyVersion,
                policySource: entry.policies.first { $0.version == entry.status.policyVersion }?.source ?? "",
                policyDigests: entry.policies.map { PolicyDigest.of($0.source) }, by: request.by,
                reason: request.reason, decisionCount: entry.decisions.count)
            contents.archives.append((record, entry.decisions))
            contents.entries[name] = nil
            contents.outbox.dropOutstanding(migration: name, atWall: request.at)
            return record
        }
    }

    package func archives(migration: String) throws -> [ArchivedMigration] {
        contents.withLock { contents in
            contents.archives.filter { $0.record.migration == migration }.reversed().map { a in
                var r = a.record
                r.decisionCount = a.decisions.count
                return r
            }
        }
    }

    package func archivedDecisions(archiveID: Int64, limit: Int) throws -> [Decision] {
        contents.withLock { contents in
            let list = contents.archives.first { $0.record.id == archiveID }?.decisions ?? []
            return Array(list.reversed().prefix(max(0, limit)))
        }
    }

    package func applyRetention(_ retention: HistoryRetention, now: Int64,
                                shouldContinue: () -> Bool) throws -> RetentionReport {
        var report = RetentionReport()
        guard !retention.keepsEverything else { return report }
        let cutoff = retention.cutoff(now: now)
        let cap = retention.maxDecisions
        func kept(_ list: [Decision], keepNewest: Bool) -> [Decision] {
            var out = list
            if let cutoff {
                let newest = out.indices.last
                out = out.enumerated().filter { i, d in d.at >= cutoff || (keepNewest && i == newest) }.map(\.element)
            }
            if cap > 0, out.count > cap { out.removeFirst(out.count - cap) }
            return out
        }
        contents.withLock { contents in
            for name in contents.entries.keys {
                let before = contents.entries[name]!.decisions
                let after = kept(before, keepNewest: true)
                report.decisions += before.count - after.count
                contents.entries[name]!.decisions = after
            }
            for i in contents.archives.indices {
                let before = contents.archives[i].decisions
                let after = kept(before, keepNewest: false)
                report.archivedDecisions += before.count - after.count
                contents.archives[i].decisions = after
            }
        }
        report.batches = 1
        return report
    }
}

extension InMemoryOutbox {
    /// Settles a deleted migration's outstanding notifications as dropped (their dedupe keys stay taken).
    mutating func dropOutstanding(migration: String, atWall wall: Int64) {
        for r in rows.values where r.settledAt == nil && r.row.notification.migration == migration {
            settle(id: r.row.id, .dropped(error: "dropped: the migration was deleted"), atWall: wall)
        }
    }
}
