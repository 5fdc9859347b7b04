import GlidepathCore

/// Changes toward the baseline that were served while the store failed, written once it works again.
extension Controller {
    /// A rollback or a pause from a live phase: safe to serve before it is durable.
    static func failsTowardBaseline(_ t: Transition, from old: MigrationEntry?, policy: Policy) -> Bool {
        guard let old, !old.status.phase.isTerminal, old.policy == policy else { return false }
        guard t.status.phase == .rolledBack || t.status.phase == .paused else { return false }
        return t.status.candidateWeight(policy) <= old.status.candidateWeight(old.policy)
    }

    /// Writes a migration's pending changes, oldest first; throws the store's error at the first that fails
    /// (the rest stay pending). Caller holds `lock`.
    func flushPendingLocked(_ name: String) throws {
        guard var queue = pending[name], !queue.isEmpty else { return }
        defer {
            pending[name] = queue.isEmpty ? nil : queue
            publishPendingCount()
        }
        while let first = queue.first {
            do { try store.save(first) } catch let refused as MigrationStoreError {
                // Cannot happen while this process is the only writer; dropping it keeps the queue moving.
                Log.event(.storeFailure, .error, "migration \(name): pending revision \(first.status.revision) "
                    + "refused by the store, dropped: \(refused.message)",
                    [("migration", .string(name)), ("revision", .int(first.status.revision))])
            }
            queue.removeFirst()
            Log.event(.storeRecovered, .info, "migration \(name): pending revision \(first.status.revision) "
                + "(\(first.decision?.action.rawValue ?? "state")) written",
                [("migration", .string(name)), ("revision", .int(first.status.revision))])
        }
        if var e = table.entries[name], !e.durable {
            e.durable = true
            table.install(e)
        }
    }

    /// Retries every pending change (the control loop calls this at the start of each round).
    func retryPending() {
        lock.withLock {
            for name in pending.keys.sorted() {
                do {
                    try flushPendingLocked(name)
                    storeHealth.succeeded()
                } catch {
                    storeHealth.failed(.decision, error, migration: name)
                    return
                }
            }
        }
    }

    static func storeUnavailable(_ error: any Error) -> APIError {
        APIError(status: 503, message: "the store cannot be written right now (\(StoreHealth.plainReason(error))); "
            + "nothing changed. Rollbacks and pauses still take effect; retry this once /readyz answers 200")
    }
}
