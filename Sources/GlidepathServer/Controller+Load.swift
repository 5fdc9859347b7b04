import GlidepathCore

extension Controller {
    /// Loads every migration from the store (after a restart: state, step, weights, revision, evidence) and
    /// makes steady time continue from the newest time the store recorded.
    ///
    /// A migration this build cannot decode is quarantined (`BrokenMigration`), never skipped: start-up
    /// fails only when the store itself cannot be read. Returns how many migrations loaded (broken included).
    @discardableResult
    package func load() throws -> Int {
        let stored: [StoredMigration]
        do { stored = try store.loadAll() } catch {
            storeHealth.failed(.load, error)
            throw error
        }
        var newest: Int64?
        for s in stored {
            let name = s.status.migration
            let j = s.judge
            for t in [s.status.stepStartedAt, j.lastTickAt, j.lastDataAt, j.lastCandidateAt].compactMap({ $0 }) {
                newest = max(newest ?? t, t)
            }
            // A decision row this build cannot decode must not stop the migration from loading.
            let last = (try? store.decisions(migration: name, limit: 1))?.first
            let parsed = PolicyParser.parse(s.policySource, zones: SystemTimeZones())
            switch (s.problem, parsed) {
            case (nil, .success(let policy)):
                let entry = MigrationEntry(policy: policy, policySource: s.policySource, status: s.status,
                                           judge: s.judge, lastDecision: last)
                lock.withLock { table.install(entry) }
                if !policy.notify.isEmpty { notificationMetrics.precreate(migration: name) }
            case (let problem?, _):
                quarantine(s, reason: problem.description, policy: try? parsed.get(), last: last)
            case (nil, .failure(let e)):
                quarantine(s, reason: "stored policy version \(s.status.policyVersion) no longer parses: "
                    + (e.problems.first.map { "\($0.path): \($0.message)" } ?? "\(e)"), policy: nil, last: last)
            }
        }
        if let newest { time.resume(notBefore: newest) }
        return stored.count
    }

    /// Installs a stored migration this build cannot decode as a `BrokenMigration`, serving its last weights
    /// when they can be rebuilt: from its status and policy when both decode, else from its last decision
    /// (its arms and weight), at the status row's phase and step when that decodes.
    func quarantine(_ s: StoredMigration, reason: String, policy: Policy?, last: Decision?) {
        let name = s.status.migration
        var b = BrokenMigration(name: name, reason: reason, revision: max(s.status.revision, last?.revision ?? 0),
                                policyVersion: s.status.policyVersion, lastDecision: last)
        let statusDecodes: Bool
        if case .status = s.problem { statusDecodes = false } else { statusDecodes = true }
        if statusDecodes, let policy {
            b.lastPhase = s.status.phase
            b.lastCandidateWeight = s.status.candidateWeight(policy)
            b.served = ServedMigration(weights: WeightsDocument(status: s.status, policy: policy),
                                       baseline: policy.baseline, candidate: policy.candidate,
                                       classifier: policy.guards.classifier,
                                       prices: [policy.price(of: .baseline), policy.price(of: .candidate)])
        } else if let d = last {
            let phase = statusDecodes ? s.status.phase : Self.phase(after: d.action)
            b.lastPhase = phase
            b.lastCandidateWeight = d.candidateWeight
            let doc = WeightsDocument(migration: name, revision: b.revision, phase: phase,
                                      step: statusDecodes ? s.status.step : d.toStep, baseline: d.baseline,
                                      candidate: d.candidate, candidateWeight: d.candidateWeight, pollAfterSeconds: 5)
            b.served = ServedMigration(weights: doc, baseline: d.baseline, candidate: d.candidate, classifier: .standard)
        } else if statusDecodes {
            b.lastPhase = s.status.phase
        }
        Log.event(.quarantine, .error, "migration \(name) quarantined: \(reason); "
            + "\(b.served == nil ? "nothing" : "its last weights are") served; apply a valid policy to repair it",
            [("migration", .string(name)), ("reason", .string(reason))])
        lock.withLock { table.installBroken(b) }
        enqueueBroken(b, policy: policy, policySource: s.policySource)
    }

    /// The phase a decision left a migration in, as far as its action tells.
    static func phase(after action: Decision.Action) -> Phase {
        switch action {
        case .rollback: .rolledBack
        case .promote: .promoted
        case .pause: .paused
        case .wait: .waiting
        default: .ramping
        }
    }
}
