import Foundation
import GlidepathCore

/// Owns the migrations: the store, their in-memory mirror, the metrics and the pre-rendered weights documents.
///
/// Every mutation runs under one lock and goes store first: a failed store write changes nothing in memory
/// (the caller answers 500), then memory, then metrics. The hot endpoints read `served(_:)`, which sits
/// behind its own short lock so a slow store write never stalls the weights endpoint.
public final class Controller: @unchecked Sendable {
    public let store: any MigrationStore
    public let metrics: ServerMetrics
    public let clock: any Clock

    let lock = NSLock()
    var entries: [String: MigrationEntry] = [:]
    private var evidenceLabels: [String: [[String]]] = [:]

    private let servedLock = NSLock()
    private var servedTable: [String: ServedMigration] = [:]
    private var readyFlag = false

    private let shimLock = NSLock()
    private var shimRevisions: [String: [String: Int64]] = [:]
    /// Bounds the memory a misbehaving client can make us spend on shim ids.
    static let maxShimsPerMigration = 10_000

    public init(store: any MigrationStore, metrics: ServerMetrics = ServerMetrics(), clock: any Clock = SystemClock()) {
        self.store = store
        self.metrics = metrics
        self.clock = clock
    }

    /// Loads every migration from the store (after a restart: state, step, weights, revision, evidence).
    /// A stored policy that no longer parses is logged and skipped rather than blocking the others.
    @discardableResult
    public func load() throws -> Int {
        let stored = try store.loadAll()
        var loaded = 0
        for s in stored {
            switch PolicyParser.parse(s.policySource) {
            case .failure(let e):
                Log.error("migration \(s.status.migration): stored policy version \(s.status.policyVersion) no longer parses, skipped: \(e)")
            case .success(let policy):
                let last = try store.decisions(migration: s.status.migration, limit: 1).first
                let entry = MigrationEntry(policy: policy, policySource: s.policySource, status: s.status,
                                           judge: s.judge, lastDecision: last)
                lock.withLock { installLocked(entry) }
                loaded += 1
            }
        }
        return loaded
    }

    // MARK: Reads

    /// The hot-path view of one migration.
    @inline(__always)
    public func served(_ name: String) -> ServedMigration? {
        servedLock.lock()
        defer { servedLock.unlock() }
        return servedTable[name]
    }

    public func entry(_ name: String) -> MigrationEntry? { lock.withLock { entries[name] } }

    /// Every migration, ordered by name.
    public func allEntries() -> [MigrationEntry] {
        lock.withLock { entries.values.sorted { $0.name < $1.name } }
    }

    public func decisions(migration: String, limit: Int) throws(APIError) -> [Decision] {
        guard entry(migration) != nil else { throw .notFound(migration: migration) }
        do { return try store.decisions(migration: migration, limit: limit) } catch {
            throw APIError(status: 500, message: "reading the audit log failed: \(error)")
        }
    }

    /// True once the store is open and the control loop has completed a round.
    public var isReady: Bool { servedLock.withLock { readyFlag } }

    func markReady() { servedLock.withLock { readyFlag = true } }

    // MARK: Writes

    /// Applies a policy (JSON text) to the migration named in the URL: new → created at step 0 (policy
    /// version 1); equal to the current one → nothing; different → a new policy version.
    public func apply(policySource: String, name: String) throws(APIError) -> (ApplyOutcome, MigrationEntry) {
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
        let now = clock.now()
        lock.lock()
        defer { lock.unlock() }
        do {
            guard let old = entries[name] else {
                let t = StateMachine.start(policy: policy, policyVersion: 1, now: now)
                let e = try commitLocked(t, policy: policy, policySource: policySource, newPolicy: true)
                return (.created, e)
            }
            if old.policy == policy { return (.unchanged, old) }
            let t: Transition
            do throws(PolicyEditRefused) {
                t = try StateMachine.updatePolicy(from: old.policy, to: policy, newVersion: old.status.policyVersion + 1,
                                                  status: old.status, judge: old.judge, now: now)
            } catch {
                throw APIError(status: 409, message: error.message)
            }
            let e = try commitLocked(t, policy: policy, policySource: policySource, newPolicy: true)
            return (.updated, e)
        }
    }

    /// An operator's action; 409 when it makes no sense in the current state (nothing changes).
    public func perform(_ action: OperatorAction, migration: String, reason: String?) throws(APIError) -> MigrationEntry {
        let now = clock.now()
        lock.lock()
        defer { lock.unlock() }
        do {
            guard let e = entries[migration] else { throw .notFound(migration: migration) }
            let t: Transition
            do throws(TransitionRefused) {
                t = try StateMachine.apply(action, reason: reason, status: e.status, judge: e.judge, policy: e.policy, now: now)
            } catch {
                throw APIError(status: 409, message: error.message)
            }
            return try commitLocked(t, policy: e.policy, policySource: e.policySource, newPolicy: false)
        }
    }

    /// Writes a transition store-first, then updates memory and metrics. Caller holds `lock`.
    func commitLocked(_ t: Transition, policy: Policy, policySource: String, newPolicy: Bool) throws(APIError) -> MigrationEntry {
        let change = StoreChange(status: t.status, judge: t.judge,
                                 newPolicySource: newPolicy ? policySource : nil, decision: t.decision)
        do { try store.save(change) } catch { throw .storeFailed(error) }
        let entry = MigrationEntry(policy: policy, policySource: policySource, status: t.status, judge: t.judge,
                                   lastDecision: t.decision)
        installLocked(entry)
        metrics.decisions.add(1, labels: [t.status.migration, t.decision.action.rawValue])
        let d = t.decision
        Log.info("decision migration=\(t.status.migration) revision=\(d.revision) "
            + "action=\(d.action) step=\(d.fromStep)->\(d.toStep) candidate_weight=\(d.candidateWeight)% actor=\(d.actor.rawValue): \(d.reason)")
        return entry
    }

    /// Puts an entry in the table and republishes everything derived from it. Caller holds `lock`.
    func installLocked(_ entry: MigrationEntry) {
        let old = entries[entry.name]
        entries[entry.name] = entry
        let p = entry.policy
        if old == nil || old!.policy.baseline != p.baseline || old!.policy.candidate != p.candidate {
            metrics.precreate(migration: entry.name, baseline: p.baseline, candidate: p.candidate)
        }
        if old.map({ $0.policy.baseline != p.baseline || $0.policy.candidate != p.candidate }) == true, let o = old {
            metrics.weightPercent.remove(labels: [o.name, o.policy.baseline])
            metrics.weightPercent.remove(labels: [o.name, o.policy.candidate])
        }
        let served = ServedMigration(weights: WeightsDocument(status: entry.status, policy: p), baseline: p.baseline,
                                     candidate: p.candidate, classifier: p.guards.classifier)
        servedLock.withLock { servedTable[entry.name] = served }
        metrics.publish(status: entry.status, policy: p)
        publishEvidenceLocked(entry)
    }

    /// Exports the last verdict's numbers, dropping series the judge no longer computes. Caller holds `lock`.
    func publishEvidenceLocked(_ entry: MigrationEntry) {
        let evidence = entry.judge.lastVerdict?.evidence ?? []
        let labels = evidence.map { [entry.name, $0.guardName.rawValue, $0.test.rawValue] }
        for old in evidenceLabels[entry.name] ?? [] where !labels.contains(old) {
            metrics.guardEvidence.remove(labels: old)
        }
        for (l, e) in zip(labels, evidence) { metrics.guardEvidence.set(e.value, labels: l) }
        evidenceLabels[entry.name] = labels
    }

    /// Counts which revision each shim last fetched (cheap: only a revision change touches the gauge).
    public func noteShim(_ shim: String, migration: String, revision: Int64) {
        shimLock.lock()
        defer { shimLock.unlock() }
        var table = shimRevisions[migration] ?? [:]
        let previous = table[shim]
        if previous == revision { return }
        if previous == nil && table.count >= Self.maxShimsPerMigration { return }
        table[shim] = revision
        shimRevisions[migration] = table
        if let previous {
            let labels = [migration, String(previous)]
            let left = (metrics.shims.value(labels: labels) ?? 1) - 1
            if left <= 0 { metrics.shims.remove(labels: labels) } else { metrics.shims.set(left, labels: labels) }
        }
        let labels = [migration, String(revision)]
        metrics.shims.set((metrics.shims.value(labels: labels) ?? 0) + 1, labels: labels)
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
