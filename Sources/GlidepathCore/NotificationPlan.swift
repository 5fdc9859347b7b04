/// Which notifications a decision, a stuck step or a quarantine produces, for a policy's `notify` targets:
/// pure, so the shell writes them in the same store transaction as what they report.
///
/// Dedupe keys: `<migration>/<revision>/<action>/<at>/<target>` for a decision (unique: a revision is never
/// reused), `<migration>/<revision>/stuck/<step>/<target>` for a stuck step and
/// `<migration>/<revision>/broken/<target>` for a quarantine, so those two, computed again at every tick or
/// restart, are sent once.
package enum NotificationPlan {
    /// Where the shell's clock and address come in: the wall time and its ISO text, and the status page.
    package struct Context: Sendable {
        /// Wall time (ms since the Unix epoch).
        package var wall: Int64
        /// `wall` as ISO-8601 UTC.
        package var time: String
        /// The controller's public base URL (`GLIDEPATH_PUBLIC_URL`), if set: bodies link `<base>/migrations/<name>`.
        package var publicURL: String?

        package init(wall: Int64, time: String, publicURL: String? = nil) {
            self.wall = wall
            self.time = time
            self.publicURL = publicURL
        }

        /// `<publicURL>/migrations/<name>`, when the public URL is known.
        package func statusURL(_ migration: String) -> String? {
            publicURL.map { ($0.hasSuffix("/") ? String($0.dropLast()) : $0) + "/migrations/" + migration }
        }
    }

    /// The notifications for a stored decision (its `at` is the wall time it was recorded at); none for
    /// actions that raise no event or targets that do not listen to it.
    package static func forDecision(_ d: Decision, migration: String, targets: [NotifyTarget],
                                    context: Context) -> [OutboxNotification] {
        guard let event = NotifyEvent(d.action) else { return [] }
        let body = NotificationBody(migration: migration, event: event, action: d.action.rawValue,
                                    fromStep: d.fromStep, toStep: d.toStep,
                                    weights: [(d.baseline, d.candidateWeight.complement), (d.candidate, d.candidateWeight)],
                                    actor: d.actor.rawValue, by: d.by, reason: d.reason, at: context.time,
                                    revision: d.revision, statusURL: context.statusURL(migration))
        return make(body, targets: targets, key: "\(migration)/\(d.revision)/\(d.action.rawValue)/\(d.at)", context: context)
    }

    /// The `stuck` notifications when a tick's verdict is the `stuck` rule (a step held past `maxHold` with
    /// `onStuck: hold`), else none. Computed at every such tick; the dedupe key makes it once per revision
    /// and step.
    package static func stuck(_ verdict: Verdict, status: MigrationStatus, policy: Policy,
                              context: Context) -> [OutboxNotification] {
        guard verdict.rule == .stuck, !policy.notify.isEmpty else { return [] }
        let w = status.candidateWeight(policy)
        let body = NotificationBody(migration: status.migration, event: .stuck, action: "hold", fromStep: status.step,
                                    toStep: status.step, weights: [(policy.baseline, w.complement), (policy.candidate, w)],
                                    actor: "judge", reason: verdict.reason, at: context.time,
                                    revision: status.revision, statusURL: context.statusURL(status.migration))
        return make(body, targets: policy.notify,
                    key: "\(status.migration)/\(status.revision)/stuck/\(status.step)", context: context)
    }

    /// The `broken` notifications for a migration quarantined at `revision` (once per revision).
    package static func broken(migration: String, revision: Int64, reason: String, lastDecision: Decision?,
                               targets: [NotifyTarget], context: Context) -> [OutboxNotification] {
        let weights = lastDecision.map { [($0.baseline, $0.candidateWeight.complement), ($0.candidate, $0.candidateWeight)] }
        let body = NotificationBody(migration: migration, event: .broken, action: "quarantine",
                                    fromStep: lastDecision?.toStep, toStep: lastDecision?.toStep, weights: weights ?? [],
                                    actor: "controller", reason: reason + "; apply a valid policy to repair it",
                                    at: context.time, revision: revision, statusURL: context.statusURL(migration))
        return make(body, targets: targets, key: "\(migration)/\(revision)/broken", context: context)
    }

    private static func make(_ body: NotificationBody, targets: [NotifyTarget], key: String,
                             context: Context) -> [OutboxNotification] {
        targets.enumerated().compactMap { index, target in
            guard target.on.contains(body.event) else { return nil }
            return OutboxNotification(migration: body.migration, event: body.event, dedupeKey: "\(key)/\(index)",
                                      url: target.url.text, format: target.format, body: body.rendered(target.format),
                                      createdAt: context.wall)
        }
    }
}
