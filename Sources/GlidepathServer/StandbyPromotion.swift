import GlidepathCore

/// What promoting a standby writes: for each followed migration, its followed state under the standby's
/// own policy file (`StateMachine.takeOver`), as one `StoreChange`. All or nothing: any followed migration
/// without a valid, matching policy refuses the whole promotion (409) and nothing is written.
package enum StandbyPromotion {
    package static func plan(followed: [FollowedMigration], files: [PolicyFile], policiesDirectory: String,
                             primary: String, now: TimeReading) -> Result<[StoreChange], APIError> {
        var problems: [String] = files.flatMap(\.problemLines)
        var byName: [String: (Policy, String)] = [:]
        for f in files {
            if case .success(let p) = f.result { byName[p.migration] = (p, f.source) }
        }
        var changes: [StoreChange] = []
        for f in followed {
            guard let (policy, source) = byName[f.name] else {
                problems.append("migration \(f.name): no policy file for it in \(policiesDirectory); add the file "
                    + "the primary had and promote again")
                continue
            }
            do {
                let t = try StateMachine.takeOver(f, policy: policy, primary: primary, now: now.steady)
                    .recorded(atWall: now.wall)
                changes.append(StoreChange(status: t.status, judge: t.judge, newPolicySource: source, decision: t.decision))
            } catch {
                problems.append(error.description)
            }
        }
        guard problems.isEmpty else {
            return .failure(APIError(status: 409, message: "not promoted, nothing changed (still a standby): "
                + problems.joined(separator: "; ")))
        }
        return .success(changes)
    }
}
