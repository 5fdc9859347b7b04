import GlidepathCore

/// What `serve` does with the `--policies` folder at start.
package struct PolicyLoadReport: Sendable, Equatable {
    /// Migration name → `created`, `updated`, `unchanged`, `refused` or `deleted-unchanged` (kept deleted).
    package var outcomes: [String: String] = [:]
    /// Migrations `--prune` deleted (their file is gone).
    package var pruned: [String] = []
    /// Live migrations `--prune` rolled back instead (a live one cannot be deleted); deleted at a later start.
    package var rolledBack: [String] = []
    /// Migrations `--prune` left alone (quarantined, or the store refused).
    package var kept: [String] = []
    package init() {}
}

extension Controller {
    /// Who `serve --prune` acts as in the audit log and the archive.
    package static let pruneActor = "serve --prune"

    /// Applies the valid policy files (after `load()`), then, with `prune`, removes the migrations whose file
    /// is gone: a promoted, rolled-back or paused one is deleted (archived); a ramping or waiting one is
    /// rolled back now (toward the baseline: shims that keep its last weights then hold the baseline) and
    /// deleted at the next start with `--prune`; a quarantined one is left and logged.
    ///
    /// A migration that was deleted does not come back from a file whose text is one of its policy versions
    /// (the archive keeps their digests): the file must change, or `glidepath apply` it, to start it again.
    @discardableResult
    package func applyPolicyFiles(_ files: [PolicyFile], directory: String, prune: Bool) -> PolicyLoadReport {
        var report = PolicyLoadReport()
        var named = Set<String>()
        for f in files {
            guard case .success(let p) = f.result else { continue }
            named.insert(p.migration)
            let fields: [(String, JSON)] = [("migration", .string(p.migration)), ("file", .string(f.path))]
            if entry(p.migration) == nil, brokenMigration(p.migration) == nil,
               let deleted = deletedArchive(p.migration, source: f.source) {
                report.outcomes[p.migration] = "deleted-unchanged"
                Log.event(.policyApplied, .info, "policy \(f.path): migration \(p.migration) was deleted at "
                    + "\(ISOTime.format(milliseconds: deleted.archivedAt)) and this file is unchanged since; not "
                    + "applied (edit the file or run glidepath apply to start it again)",
                    fields + [("outcome", .string("deleted"))])
                continue
            }
            // One policy the current state refuses (or a store that fails now) must not stop the others.
            do {
                let (outcome, _) = try apply(policySource: f.source, name: p.migration)
                report.outcomes[p.migration] = outcome.rawValue
                Log.event(.policyApplied, .info, "policy \(f.path): migration \(p.migration) \(outcome.rawValue)",
                          fields + [("outcome", .string(outcome.rawValue))])
            } catch {
                report.outcomes[p.migration] = "refused"
                Log.event(.policyApplied, .error, "policy \(f.path): migration \(p.migration) not applied: "
                    + error.message, fields + [("outcome", .string("refused")), ("detail", .string(error.message))])
            }
        }
        if prune { pruneMissing(keeping: named, directory: directory, into: &report) }
        return report
    }

    /// The newest archive of `name` that had `source` as one of its policy versions, if any.
    func deletedArchive(_ name: String, source: String) -> ArchivedMigration? {
        guard let archive, let list = try? archive.archives(migration: name) else { return nil }
        let digest = PolicyDigest.of(source)
        return list.first { $0.policyDigests.contains(digest) }
    }

    private func pruneMissing(keeping named: Set<String>, directory: String, into report: inout PolicyLoadReport) {
        let why = "its policy file is no longer in \(directory) (serve --prune)"
        for b in allBroken() where !named.contains(b.name) {
            report.kept.append(b.name)
            Log.event(.lifecycle, .error, "migration \(b.name): \(why), but it is quarantined (\(b.reason)); kept: "
                + "repair it by applying a valid policy, then delete it", [("migration", .string(b.name))])
        }
        for e in allEntries() where !named.contains(e.name) {
            let fields: [(String, JSON)] = [("migration", .string(e.name)), ("phase", .string(e.status.phase.rawValue))]
            do throws(APIError) {
                if e.status.phase.isDeletable {
                    _ = try delete(migration: e.name, reason: why, by: Self.pruneActor)
                    report.pruned.append(e.name)
                } else {
                    _ = try perform(.rollback, migration: e.name, reason: why, by: Self.pruneActor)
                    report.rolledBack.append(e.name)
                    Log.event(.lifecycle, .error, "migration \(e.name): \(why) while \(e.status.phase.rawValue) at "
                        + "step \(e.status.step); a live migration is not deleted: rolled back to the baseline now, "
                        + "deleted at the next start with --prune (or glidepath delete \(e.name))", fields)
                }
            } catch {
                report.kept.append(e.name)
                Log.event(.lifecycle, .error, "migration \(e.name): \(why), but it was kept: \(error.message)",
                          fields + [("detail", .string(error.message))])
            }
        }
    }
}
