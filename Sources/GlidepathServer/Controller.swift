import Foundation
import GlidepathCore

/// Owns the migrations: applies policies and operator actions, writes them to the store, and keeps the
/// in-memory `MigrationTable` (what the endpoints serve) in step with it. `Ticker` runs the control
/// loop's rounds on it; `ShimTracker` counts which revision each shim has.
///
/// Every mutation runs under one lock and goes store first: a failed write changes nothing, except that
/// a change toward the baseline (a rollback or a pause) is served at once even when it cannot be written:
/// it is kept pending, in order, and written as soon as the store works again (retried every round).
/// Advances, promotions and new policies are never served before they are durable.
package final class Controller: @unchecked Sendable {
    package let store: any MigrationStore
    package let metrics: ServerMetrics
    package let time: any TimeSource
    package let storeHealth: StoreHealth

    let lock = NSLock()
    let table: MigrationTable
    /// Changes served but not yet written (the store was failing), per migration, oldest first.
    var pending: [String: [StoreChange]] = [:]

    private let readyLock = NSLock()
    private var roundCompleted = false

    /// Which revision each shim last fetched (`glidepath_shims`), bounded whatever ids clients send.
    package let shims: ShimTracker

    package init(store: any MigrationStore, metrics: ServerMetrics = ServerMetrics(),
                time: any TimeSource = SystemTimeSource()) {
        self.store = store
        self.metrics = metrics
        self.time = time
        storeHealth = StoreHealth(metrics: metrics)
        table = MigrationTable(metrics: metrics)
        shims = ShimTracker(gauge: metrics.shims)
    }

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
            let parsed = PolicyParser.parse(s.policySource)
            switch (s.problem, parsed) {
            case (nil, .success(let policy)):
                let entry = MigrationEntry(policy: policy, policySource: s.policySource, status: s.status,
                                           judge: s.judge, lastDecision: last)
                lock.withLock { table.install(entry) }
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

    private func quarantine(_ s: StoredMigration, reason: String, policy: Policy?, last: Decision?) {
        let name = s.status.migration
        var b = BrokenMigration(name: name, reason: reason, revision: max(s.status.revision, last?.revision ?? 0),
                                policyVersion: s.status.policyVersion, lastDecision: last)
        if case .status = s.problem {
            if let d = last {
                b.lastPhase = Self.phase(after: d.action)
                b.lastCandidateWeight = d.candidateWeight
                let doc = WeightsDocument(migration: name, revision: b.revision, phase: b.lastPhase ?? .paused,
                                          step: d.toStep, baseline: d.baseline, candidate: d.candidate,
                                          candidateWeight: d.candidateWeight, pollAfterSeconds: 5)
                b.served = ServedMigration(weights: doc, baseline: d.baseline, candidate: d.candidate,
                                           classifier: .standard)
            }
        } else {
            b.lastPhase = s.status.phase
            if let policy {
                b.lastCandidateWeight = s.status.candidateWeight(policy)
                b.served = ServedMigration(weights: WeightsDocument(status: s.status, policy: policy),
                                           baseline: policy.baseline, candidate: policy.candidate,
                                           classifier: policy.guards.classifier)
            } else if let d = last {
                b.lastCandidateWeight = d.candidateWeight
                let doc = WeightsDocument(migration: name, revision: b.revision, phase: s.status.phase,
                                          step: s.status.step, baseline: d.baseline, candidate: d.candidate,
                                          candidateWeight: d.candidateWeight, pollAfterSeconds: 5)
                b.served = ServedMigration(weights: doc, baseline: d.baseline, candidate: d.candidate,
                                           classifier: .standard)
            }
        }
        Log.error("migration \(name) quarantined: \(reason); \(b.served == nil ? "nothing" : "its last weights are") "
            + "served; apply a valid policy to repair it")
        lock.withLock { table.installBroken(b) }
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

    // MARK: Reads

    /// The hot-path view of one migration (quarantined ones included, when their weights are known).
    @inline(__always)
    package func served(_ name: String) -> ServedMigration? { table.served(name) }

    package func entry(_ name: String) -> MigrationEntry? { lock.withLock { table.entries[name] } }

    package func brokenMigration(_ name: String) -> BrokenMigration? { lock.withLock { table.broken[name] } }

    /// Every migration, ordered by name.
    package func allEntries() -> [MigrationEntry] {
        lock.withLock { table.entries.values.sorted { $0.name < $1.name } }
    }

    /// Every quarantined migration, ordered by name.
    package func allBroken() -> [BrokenMigration] {
        lock.withLock { table.broken.values.sorted { $0.name < $1.name } }
    }

    package func decisions(migration: String, limit: Int) throws(APIError) -> [Decision] {
        guard entry(migration) != nil || brokenMigration(migration) != nil else { throw .notFound(migration: migration) }
        do {
            let list = try store.decisions(migration: migration, limit: limit)
            return list
        } catch {
            storeHealth.failed(.read, error, migration: migration)
            throw APIError(status: 503, message: "the audit log cannot be read right now: "
                + "\(StoreHealth.plainReason(error)); retry later")
        }
    }

    /// nil once the store is open, takes writes and the control loop has completed a round; else why not.
    package func notReadyReason() -> String? {
        if let failure = storeHealth.failure {
            let n = lock.withLock { pending.values.reduce(0) { $0 + $1.count } }
            return "the store is failing: \(failure)" + (n > 0 ? "; \(n) decision(s) served but not yet written" : "")
        }
        return readyLock.withLock { roundCompleted } ? nil : "the control loop has not completed a round yet"
    }

    /// True once the store is open and the control loop has completed a round, while the store takes writes.
    package var isReady: Bool { notReadyReason() == nil }

    func markRoundCompleted() { readyLock.withLock { roundCompleted = true } }

    // MARK: Writes

    /// Applies a policy (JSON text) to the migration named in the URL: new → created at step 0 (policy
    /// version 1); equal to the current one → nothing; different → a new policy version under the edit
    /// rules of `StateMachine.updatePolicy`; quarantined → repaired (`StateMachine.repair`).
    package func apply(policySource: String, name: String) throws(APIError) -> (ApplyOutcome, MigrationEntry) {
        let policy: Policy
        switch PolicyParser.parse(policySource) {
        case .failure(var e):
            if let declared = Self.declaredName(policySource), declared != name {
                e.append(Self.mismatch(url: name, declared: declared))
            }
            throw APIError(status: 422, message: e.summary, problems: e.problems)
        case .success(let p): policy = p
        }
        guard policy.migration == name else {
            throw APIError(status: 422, message: "the policy has 1 problem(s); nothing was stored",
                           problems: [Self.mismatch(url: name, declared: policy.migration)])
        }
        let now = time.read()
        lock.lock()
        defer { lock.unlock() }
        if let b = table.broken[name] {
            let version: Int
            do { version = (try store.policyVersions(migration: name).map(\.version).max() ?? 0) } catch {
                storeHealth.failed(.read, error, migration: name)
                throw Self.storeUnavailable(error)
            }
            let t: Transition
            do throws(TransitionRefused) {
                t = try StateMachine.repair(policy: policy, policyVersion: max(version, b.policyVersion) + 1,
                                            revision: b.revision, lastPhase: b.lastPhase,
                                            lastCandidateWeight: b.lastCandidateWeight, problem: b.reason,
                                            now: now.steady)
            } catch {
                throw APIError(status: 409, message: error.message)
            }
            return (.updated, try commitLocked(t, policy: policy, policySource: policySource, newPolicy: true, at: now))
        }
        guard let old = table.entries[name] else {
            let t = StateMachine.start(policy: policy, policyVersion: 1, now: now.steady)
            return (.created, try commitLocked(t, policy: policy, policySource: policySource, newPolicy: true, at: now))
        }
        if old.policy == policy { return (.unchanged, old) }
        let t: Transition
        do throws(PolicyEditRefused) {
            t = try StateMachine.updatePolicy(from: old.policy, to: policy, newVersion: old.status.policyVersion + 1,
                                              status: old.status, judge: old.judge, now: now.steady)
        } catch {
            throw APIError(status: 409, message: error.message)
        }
        return (.updated, try commitLocked(t, policy: policy, policySource: policySource, newPolicy: true, at: now))
    }

    /// An operator's action; 409 when it makes no sense in the current state (nothing changes).
    package func perform(_ action: OperatorAction, migration: String, reason: String?) throws(APIError) -> MigrationEntry {
        let now = time.read()
        lock.lock()
        defer { lock.unlock() }
        if let b = table.broken[migration] {
            throw APIError(status: 409, message: "migration \"\(migration)\" is quarantined (\(b.reason)); "
                + "apply a valid policy to repair it before \(action.rawValue)")
        }
        guard let e = table.entries[migration] else { throw .notFound(migration: migration) }
        let t: Transition
        do throws(TransitionRefused) {
            t = try StateMachine.apply(action, reason: reason, status: e.status, judge: e.judge, policy: e.policy,
                                       now: now.steady)
        } catch {
            throw APIError(status: 409, message: error.message)
        }
        return try commitLocked(t, policy: e.policy, policySource: e.policySource, newPolicy: false, at: now)
    }

    /// Writes a transition store-first, then updates memory and metrics. Caller holds `lock`.
    ///
    /// When the store fails, a change toward the baseline (rollback, pause) is served anyway and kept
    /// pending (`MigrationEntry.durable` false); anything else answers 503 and changes nothing.
    func commitLocked(_ transition: Transition, policy: Policy, policySource: String, newPolicy: Bool,
                      at now: TimeReading) throws(APIError) -> MigrationEntry {
        let t = transition.recorded(atWall: now.wall)
        let name = t.status.migration
        let change = StoreChange(status: t.status, judge: t.judge,
                                 newPolicySource: newPolicy ? policySource : nil, decision: t.decision)
        var durable = true
        do {
            try flushPendingLocked(name)
            try store.save(change)
            storeHealth.succeeded()
        } catch let refused as MigrationStoreError {
            throw APIError(status: 409, message: "the store refused the change, nothing changed: \(refused.message)")
        } catch {
            storeHealth.failed(.decision, error, migration: name)
            guard !newPolicy, Self.failsTowardBaseline(t, from: table.entries[name], policy: policy) else {
                throw Self.storeUnavailable(error)
            }
            pending[name, default: []].append(change)
            publishPendingCount()
            durable = false
            Log.error("migration \(name): \(t.decision.action) to revision \(t.status.revision) is served now but "
                + "not yet written (the store is failing); it will be written when the store recovers")
        }
        var entry = MigrationEntry(policy: policy, policySource: policySource, status: t.status, judge: t.judge,
                                   lastDecision: t.decision)
        entry.durable = durable
        table.install(entry)
        metrics.decisions.add(1, labels: [name, t.decision.action.rawValue])
        let d = t.decision
        Log.info("decision migration=\(name) revision=\(d.revision) "
            + "action=\(d.action) step=\(d.fromStep)->\(d.toStep) candidate_weight=\(d.candidateWeight)% actor=\(d.actor.rawValue): \(d.reason)")
        return entry
    }

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
                Log.error("migration \(name): pending revision \(first.status.revision) refused by the store, "
                    + "dropped: \(refused.message)")
            }
            queue.removeFirst()
            Log.info("migration \(name): pending revision \(first.status.revision) (\(first.decision?.action.rawValue ?? "state")) "
                + "written")
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

    private func publishPendingCount() {
        metrics.storePending.set(Double(pending.values.reduce(0) { $0 + $1.count }), labels: [])
    }

    static func storeUnavailable(_ error: any Error) -> APIError {
        APIError(status: 503, message: "the store cannot be written right now (\(StoreHealth.plainReason(error))); "
            + "nothing changed. Rollbacks and pauses still take effect; retry this once /readyz answers 200")
    }

    // MARK: Helpers

    static func mismatch(url: String, declared: String) -> PolicyProblem {
        PolicyProblem(path: "migration",
                      message: "the policy names migration \"\(declared)\" but the URL names \"\(url)\"; they must match")
    }

    /// The `migration` string of a JSON object, if the text is one (used when the policy itself is invalid).
    static func declaredName(_ source: String) -> String? {
        guard let data = source.data(using: .utf8),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return obj["migration"] as? String
    }
}
