import Foundation
import GlidepathCore

/// The migrations in memory — live entries and quarantined ones — and everything published from them:
/// the pre-rendered documents of the hot endpoints and the per-migration metrics.
///
/// Not locked by itself: the `Controller`'s lock guards every call but `served(_:)`, which has its own
/// short lock so the weights endpoint never waits behind a store write.
final class MigrationTable: @unchecked Sendable {
    private(set) var entries: [String: MigrationEntry] = [:]
    private(set) var broken: [String: BrokenMigration] = [:]
    /// What the control loop needs to pick the due migrations, per entry: a few numbers, so a round looks
    /// at every migration without copying its entry (a policy, a status, a judge state).
    private(set) var schedule: [String: ScheduleSlot] = [:]
    private var evidenceLabels: [String: [[String]]] = [:]
    private let metrics: ServerMetrics

    private let servedLock = NSLock()
    private var servedTable: [String: ServedMigration] = [:]

    init(metrics: ServerMetrics) {
        self.metrics = metrics
    }

    /// The hot-path view of one migration.
    @inline(__always)
    func served(_ name: String) -> ServedMigration? {
        servedLock.lock()
        defer { servedLock.unlock() }
        return servedTable[name]
    }

    /// Puts an entry in the table (repairing a quarantined one) and republishes everything derived from it.
    /// When the arms changed, the old arms' request series leave `/metrics`, so a name that comes back
    /// later starts from zero.
    func install(_ entry: MigrationEntry) {
        let old = entries[entry.name]
        entries[entry.name] = entry
        schedule[entry.name] = ScheduleSlot(entry)
        if broken.removeValue(forKey: entry.name) != nil { metrics.broken.remove(labels: [entry.name]) }
        let p = entry.policy
        if old == nil || old!.policy.baseline != p.baseline || old!.policy.candidate != p.candidate
            || old!.policy.guards.classifier != p.guards.classifier || old!.policy.cost != p.cost {
            metrics.precreate(migration: entry.name, policy: p)
        }
        if let o = old {
            for arm in [o.policy.baseline, o.policy.candidate] where arm != p.baseline && arm != p.candidate {
                metrics.removeArm(migration: o.name, arm: arm)
            }
        }
        let served = ServedMigration(weights: WeightsDocument(status: entry.status, policy: p), baseline: p.baseline,
                                     candidate: p.candidate, classifier: p.guards.classifier,
                                     prices: [p.price(of: .baseline), p.price(of: .candidate)])
        servedLock.withLock { servedTable[entry.name] = served }
        metrics.publish(status: entry.status, policy: p)
        publishEvidence(name: entry.name, evidence: entry.judge.lastVerdict?.evidence ?? [])
    }

    /// Replaces an entry's judge state only (a tick that changed nothing else).
    func updateJudge(_ name: String, _ judge: JudgeState) {
        // In place: an entry copied out and back costs a retain per field, every tick.
        guard let i = entries.index(forKey: name) else { return }
        entries.values[i].judge = judge
        schedule[name]?.lastTickAt = judge.lastTickAt
        publishEvidence(name: name, evidence: judge.lastVerdict?.evidence ?? [])
    }

    /// Forgets a migration (deleted): its entry, quarantine record, served document and evidence labels.
    /// The caller removes its series from the registry.
    func remove(_ name: String) {
        entries[name] = nil
        schedule[name] = nil
        broken[name] = nil
        evidenceLabels[name] = nil
        servedLock.withLock { servedTable[name] = nil }
    }

    /// Quarantines a stored migration this build cannot decode.
    func installBroken(_ b: BrokenMigration) {
        broken[b.name] = b
        servedLock.withLock { servedTable[b.name] = b.served }
        metrics.broken.set(1, labels: [b.name])
        metrics.revision.set(Double(b.revision), labels: [b.name])
    }

    /// Exports the last verdict's numbers, dropping series the judge no longer computes.
    private func publishEvidence(name: String, evidence: [GuardEvidence]) {
        let labels = evidence.map { [name, $0.guardName.rawValue, $0.test.rawValue] }
        let old = evidenceLabels[name] ?? []
        if old != labels {
            let kept = Set(labels)
            for o in old where !kept.contains(o) { metrics.guardEvidence.remove(labels: o) }
            evidenceLabels[name] = labels
        }
        for (l, e) in zip(labels, evidence) { metrics.guardEvidence.set(e.value, labels: l) }
    }
}
