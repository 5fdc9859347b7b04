import GlidepathCore

/// The notifications the controller queues: with each decision (same store transaction), when a step is
/// stuck (with the tick's judge state), and when a migration is quarantined; and the webhook gates it asks.
extension Controller {
    /// The store's outbox, when it keeps one (both real stores do).
    package var outbox: (any NotificationOutbox)? { store as? any NotificationOutbox }

    func notificationContext(wall: Int64) -> NotificationPlan.Context {
        NotificationPlan.Context(wall: wall, time: ISOTime.format(milliseconds: wall), publicURL: webhooks.publicURL)
    }

    /// The notifications reporting `decision` (already stamped with its wall time) to the policy's targets.
    func notifications(for decision: Decision, policy: Policy, wall: Int64) -> [OutboxNotification] {
        guard !policy.notify.isEmpty else { return [] }
        return NotificationPlan.forDecision(decision, migration: policy.migration, targets: policy.notify,
                                           context: notificationContext(wall: wall))
    }

    /// `stuck` notifications when the tick's verdict is the `stuck` rule (deduplicated by the outbox).
    func stuckNotifications(_ verdict: Verdict, entry e: MigrationEntry, wall: Int64) -> [OutboxNotification] {
        NotificationPlan.stuck(verdict, status: e.status, policy: e.policy, context: notificationContext(wall: wall))
    }

    /// Queues the `broken` notifications of a quarantined migration, to the targets of its stored policy when
    /// that parses, else of its `notify` list alone when that is valid. Once per revision (the dedupe key), so
    /// restarting while it is still broken sends nothing new. A store failure is logged: the quarantine
    /// itself matters more.
    func enqueueBroken(_ b: BrokenMigration, policy: Policy?, policySource: String) {
        let targets = policy?.notify ?? PolicyParser.notifyTargets(inSource: policySource)
        guard !targets.isEmpty, let outbox else { return }
        let wall = time.read().wall
        let list = NotificationPlan.broken(migration: b.name, revision: b.revision, reason: b.reason,
                                          lastDecision: b.lastDecision, targets: targets,
                                          context: notificationContext(wall: wall))
        do { try outbox.enqueue(list) } catch {
            Log.event(.notificationFailure, .error,
                      "migration \(b.name): the broken notification cannot be queued: \(StoreHealth.plainReason(error))",
                      [("migration", .string(b.name)), ("outcome", .string("store_error"))])
        }
    }

    /// The question to ask when `e` waits at a webhook gate, with the gate's URL; else nil.
    func gateQuestion(_ e: MigrationEntry) -> (key: GateChecker.Key, url: WebhookURL)? {
        guard e.status.phase == .waiting, let url = e.policy.gate(after: e.status.step)?.webhook else { return nil }
        return (GateChecker.Key(migration: e.name, revision: e.status.revision, step: e.status.step), url)
    }

    /// Asks the webhook gate `e` waits at, if any, in the background (every tick while it waits: the
    /// policy's interval). Caller holds `lock`.
    func askGate(_ e: MigrationEntry, wall: Int64) {
        guard let (key, url) = gateQuestion(e) else { return }
        let context = notificationContext(wall: wall)
        gates.ask(key, url: url, question: WebhookGate.question(status: e.status, policy: e.policy, time: context.time,
                                                                statusURL: context.statusURL(e.name)))
    }
}
