import GlidepathCore

/// Deleting migrations (into the store's archive), reading the archive, and history retention.
extension Controller {
    /// The store's archive, when it keeps one (both real stores do).
    package var archive: (any MigrationArchive)? { store as? any MigrationArchive }

    /// Deletes a promoted, rolled-back or paused migration: one store transaction moves it and its decisions
    /// into the archive, then it leaves memory, `/metrics`, the shim counts, the status history and the gate
    /// answers. 404 unknown, 409 for a live or quarantined one (nothing changes), 503 when the store fails.
    package func delete(migration name: String, reason: String?, by actor: String?) throws(APIError) -> ArchivedMigration {
        let now = time.read()
        lock.lock()
        defer { lock.unlock() }
        if let b = table.broken[name] {
            throw APIError(status: 409, message: "migration \"\(name)\" is quarantined (\(b.reason)); apply a valid "
                + "policy to repair it, then delete it once it is promoted, rolled back or paused; nothing changed")
        }
        guard let e = table.entries[name] else { throw .notFound(migration: name) }
        guard e.status.phase.isDeletable else { throw Self.notDeletable(e) }
        guard let archive else {
            throw APIError(status: 503, message: "this store keeps no archive, so migrations cannot be deleted")
        }
        var text = "deleted while \(e.status.phase.rawValue) at step \(e.status.step) (revision \(e.status.revision))"
        if let reason, !reason.isEmpty { text += ": \(reason)" }
        let record: ArchivedMigration
        do {
            try flushPendingLocked(name)
            record = try archive.archive(ArchiveRequest(migration: name, expectedRevision: e.status.revision,
                                                        at: now.wall, by: actor, reason: text))
            storeHealth.succeeded()
        } catch let refused as MigrationStoreError {
            throw APIError(status: 409, message: "the store refused the delete, nothing changed: \(refused.message)")
        } catch {
            storeHealth.failed(.decision, error, migration: name)
            throw APIError(status: 503, message: "the store cannot be written right now "
                + "(\(StoreHealth.plainReason(error))); nothing was deleted. Retry once /readyz answers 200")
        }
        forgetLocked(name)
        Log.event(.lifecycle, .info, "migration \(name) deleted (\(text)); archived as #\(record.id) with "
            + "\(record.decisionCount) decision(s)" + (actor.map { " by \($0)" } ?? ""),
            [("migration", .string(name)), ("archive", .int(record.id)), ("phase", .string(record.phase)),
             ("revision", .int(record.revision)), ("by", actor.map { .string($0) } ?? .null)])
        return record
    }

    /// The 409 for a migration the judge may still move.
    static func notDeletable(_ e: MigrationEntry) -> APIError {
        let name = e.name
        return APIError(status: 409, message: "migration \"\(name)\" is \(e.status.phase.rawValue) at step "
            + "\(e.status.step); only promoted, rolled_back or paused migrations can be deleted: pause it "
            + "(glidepath pause \(name)), roll it back, or wait for it to finish; nothing changed")
    }

    /// Drops everything held in memory about a deleted migration. Caller holds `lock`.
    func forgetLocked(_ name: String) {
        table.remove(name)
        pending[name] = nil
        publishPendingCount()
        metrics.registry.removeSeries(label: "migration", value: name)
        notificationMetrics.forget(migration: name)
        shims.remove(migration: name)
        history.remove(migration: name)
        gates.forget(migration: name)
        sourceHealth.forget(name)  // a re-created migration of this name starts a new failure streak
    }

    /// The archives of a name, newest first, each with up to `limit` of its decisions (newest first).
    /// 404 when the name was never deleted.
    package func archived(migration name: String, limit: Int) throws(APIError) -> [(ArchivedMigration, [Decision])] {
        guard let archive else { throw APIError(status: 404, message: "this store keeps no archive") }
        do {
            let list = try archive.archives(migration: name)
            guard !list.isEmpty else {
                throw APIError(status: 404, message: "no archived migration named \"\(name)\" (it was never deleted)")
            }
            return try list.map { ($0, try archive.archivedDecisions(archiveID: $0.id, limit: limit)) }
        } catch let e as APIError {
            throw e
        } catch {
            storeHealth.failed(.read, error, migration: name)
            throw APIError(status: 503, message: "the archive cannot be read right now: "
                + "\(StoreHealth.plainReason(error)); retry later")
        }
    }

    /// The revision a brand-new migration named `name` starts at: above its newest archive's, so shims that
    /// still hold the deleted migration's weights never see the revision go backwards.
    func firstRevision(_ name: String) throws(APIError) -> Int64 {
        guard let archive else { return 1 }
        do {
            return (try archive.archives(migration: name).map(\.revision).max() ?? 0) + 1
        } catch {
            storeHealth.failed(.read, error, migration: name)
            throw Self.storeUnavailable(error)
        }
    }

    /// One retention pass (the retention job runs it off the request and control paths). Failures are
    /// logged and counted; they change nothing.
    @discardableResult
    package func applyRetention(_ retention: HistoryRetention,
                                shouldContinue: () -> Bool = { true }) -> RetentionReport? {
        guard let archive, !retention.keepsEverything else { return nil }
        do {
            let report = try archive.applyRetention(retention, now: time.read().wall, shouldContinue: shouldContinue)
            if report.decisions + report.archivedDecisions > 0 {
                Log.event(.lifecycle, .info, "history retention deleted \(report.decisions) decision(s) and "
                    + "\(report.archivedDecisions) archived decision(s) in \(report.batches) batch(es)",
                    [("decisions", .int(Int64(report.decisions))),
                     ("archived", .int(Int64(report.archivedDecisions)))])
            }
            return report
        } catch {
            storeHealth.failed(.decision, error)
            return nil
        }
    }
}
