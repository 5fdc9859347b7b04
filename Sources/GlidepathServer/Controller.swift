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

    /// Guards what readiness reads, never held across a store call (`/readyz` runs on an event loop).
    private let readyLock = NSLock()
    private var roundCompleted = false
    private var pendingCount = 0

    /// Which revision each shim last fetched (`glidepath_shims`), bounded whatever ids clients send.
    package let shims: ShimTracker
    /// Rate-limited log of refused observation batches.
    package let rejectedBatches = RejectedBatchLog()
    /// Signing secret, public URL and bounds of webhooks (notifications and gates).
    package let webhooks: WebhookConfig
    /// `glidepath_notifications_total` and `glidepath_notifications_pending` (the dispatcher counts into them).
    package let notificationMetrics: NotificationMetrics
    /// Asks webhook gates in the background; ticks read its answers.
    package let gates: GateChecker

    /// The last half hour of each migration's counters, for the status page's charts.
    package let history: StatusHistory
    /// Whether each migration's external metrics source answers (`glidepath_metrics_source_up`, the failure
    /// streak's log lines); the control loop's `RoutedMetricsSource` records into it, a delete forgets.
    package let sourceHealth: MetricsSourceHealth

    package init(store: any MigrationStore, metrics: ServerMetrics = ServerMetrics(),
                time: any TimeSource = SystemTimeSource(), webhooks: WebhookConfig = WebhookConfig(),
                webhookTransport: any WebhookTransport = URLSessionWebhookTransport(),
                history: StatusHistory = StatusHistory()) {
        self.store = store
        self.metrics = metrics
        self.time = time
        self.webhooks = webhooks
        notificationMetrics = NotificationMetrics(registry: metrics.registry)
        gates = GateChecker(transport: webhookTransport, config: webhooks, time: time)
        storeHealth = StoreHealth(metrics: metrics)
        table = MigrationTable(metrics: metrics)
        shims = ShimTracker(gauge: metrics.shims)
        self.history = history
        sourceHealth = MetricsSourceHealth(metrics: metrics)
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
            let n = readyLock.withLock { pendingCount }
            return "the store is failing: \(failure)" + (n > 0 ? "; \(n) decision(s) served but not yet written" : "")
        }
        return readyLock.withLock { roundCompleted } ? nil : "the control loop has not completed a round yet"
    }

    /// True once the store is open and the control loop has completed a round, while the store takes writes.
    package var isReady: Bool { notReadyReason() == nil }

    func markRoundCompleted() { readyLock.withLock { roundCompleted = true } }

    /// Publishes how many changes are pending (gauge and readiness). Caller holds `lock`.
    func publishPendingCount() {
        let n = pending.values.reduce(0) { $0 + $1.count }
        readyLock.withLock { pendingCount = n }
        metrics.storePending.set(Double(n), labels: [])
    }

    // MARK: Writes

    /// Applies a policy (JSON text) to the migration named in the URL: new → created at step 0 (policy
    /// version 1); equal to the current one → nothing; different → a new policy version under the edit
    /// rules of `StateMachine.updatePolicy`; quarantined → repaired (`StateMachine.repair`).
    package func apply(policySource: String, name: String, by actor: String? = nil) throws(APIError) -> (ApplyOutcome, MigrationEntry) {
        let policy: Policy
        switch PolicyParser.parse(policySource, zones: SystemTimeZones()) {
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
            return (.updated, try commitLocked(t, policy: policy, policySource: policySource, newPolicy: true, at: now,
                                                  by: actor))
        }
        guard let old = table.entries[name] else {
            var t = StateMachine.start(policy: policy, policyVersion: 1, now: now.steady)
            t.decision.revision = try firstRevision(name)
            t.status.revision = t.decision.revision
            return (.created, try commitLocked(t, policy: policy, policySource: policySource, newPolicy: true, at: now,
                                                  by: actor))
        }
        if old.policy == policy { return (.unchanged, old) }
        let t: Transition
        do throws(PolicyEditRefused) {
            t = try StateMachine.updatePolicy(from: old.policy, to: policy, newVersion: old.status.policyVersion + 1,
                                              status: old.status, judge: old.judge, now: now.steady)
        } catch {
            throw APIError(status: 409, message: error.message)
        }
        return (.updated, try commitLocked(t, policy: policy, policySource: policySource, newPolicy: true, at: now,
                                                  by: actor))
    }

    /// An operator's action; 409 when it makes no sense in the current state (nothing changes).
    /// `weight` is `set-weight`'s hold (required there).
    package func perform(_ action: OperatorAction, migration: String, reason: String?, weight: Weight? = nil,
                         by actor: String? = nil) throws(APIError) -> MigrationEntry {
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
            t = try StateMachine.apply(action, reason: reason, weight: weight, status: e.status, judge: e.judge,
                                       policy: e.policy, now: now.steady)
        } catch {
            throw APIError(status: 409, message: error.message)
        }
        return try commitLocked(t, policy: e.policy, policySource: e.policySource, newPolicy: false, at: now, by: actor)
    }

    /// Writes a transition store-first, then updates memory and metrics. Caller holds `lock`.
    ///
    /// When the store fails, a change toward the baseline (rollback, pause) is served anyway and kept
    /// pending (`MigrationEntry.durable` false); anything else answers 503 and changes nothing.
    func commitLocked(_ transition: Transition, policy: Policy, policySource: String, newPolicy: Bool,
                      at now: TimeReading, by actor: String? = nil) throws(APIError) -> MigrationEntry {
        var t = transition.recorded(atWall: now.wall)
        if t.decision.actor == .operator { t.decision.by = actor }
        let name = t.status.migration
        let change = StoreChange(status: t.status, judge: t.judge,
                                 newPolicySource: newPolicy ? policySource : nil, decision: t.decision,
                                 notifications: notifications(for: t.decision, policy: policy, wall: now.wall))
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
            Log.event(.storeFailure, .error, "migration \(name): \(t.decision.action) to revision "
                + "\(t.status.revision) is served now but not yet written (the store is failing); it will be "
                + "written when the store recovers",
                [("migration", .string(name)), ("revision", .int(t.status.revision)),
                 ("action", .string(t.decision.action.rawValue))])
        }
        var entry = MigrationEntry(policy: policy, policySource: policySource, status: t.status, judge: t.judge,
                                   lastDecision: t.decision)
        entry.durable = durable
        table.install(entry)
        if !policy.notify.isEmpty { notificationMetrics.precreate(migration: name) }
        metrics.decisions.add(1, labels: [name, t.decision.action.rawValue])
        Self.logDecision(t.decision, migration: name)
        return entry
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
