/// A notification waiting to be POSTed: written with the decision it reports (`StoreChange.notifications`),
/// or on its own (`NotificationOutbox.enqueue`) for `stuck` and `broken`.
package struct OutboxNotification: Hashable, Sendable {
    package var migration: String
    package var event: NotifyEvent
    /// Unique over the outbox, kept for a while after the row is settled: a second notification with the
    /// same key is ignored (a migration stuck at one revision and step is reported once, not every tick).
    package var dedupeKey: String
    /// `WebhookURL.text`.
    package var url: String
    package var format: NotifyFormat
    /// The exact bytes POSTed (JSON text), fixed when enqueued; the signature covers them.
    package var body: String
    /// Wall time (ms since the Unix epoch) it was enqueued; its first attempt is due then.
    package var createdAt: Int64

    package init(migration: String, event: NotifyEvent, dedupeKey: String, url: String, format: NotifyFormat,
                 body: String, createdAt: Int64) {
        self.migration = migration
        self.event = event
        self.dedupeKey = dedupeKey
        self.url = url
        self.format = format
        self.body = body
        self.createdAt = createdAt
    }
}

/// An outstanding notification as the outbox holds it.
package struct OutboxRow: Hashable, Sendable {
    package var id: Int64
    package var notification: OutboxNotification
    /// Failed attempts so far.
    package var attempts: Int
    /// Wall time (ms) of the next attempt.
    package var nextAttemptAt: Int64
    /// What the last failed attempt got, if any.
    package var lastError: String?

    package init(id: Int64, notification: OutboxNotification, attempts: Int, nextAttemptAt: Int64, lastError: String?) {
        self.id = id
        self.notification = notification
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// What became of one delivery attempt.
package enum DeliveryOutcome: Hashable, Sendable {
    /// The receiver answered 2xx: settled.
    case delivered
    /// It failed; one more attempt at `at` (wall ms), `attempts` + 1.
    case retry(at: Int64, error: String)
    /// The last attempt failed: given up, settled.
    case dropped(error: String)
}

/// What `NotificationOutbox.trim` did.
package struct OutboxTrim: Hashable, Sendable {
    /// Outstanding rows dropped per migration (over the cap, oldest first).
    package var dropped: [String: Int] = [:]
    /// Outstanding rows per migration after the trim.
    package var outstanding: [String: Int] = [:]

    package init(dropped: [String: Int] = [:], outstanding: [String: Int] = [:]) {
        self.dropped = dropped
        self.outstanding = outstanding
    }

    /// The last error a row dropped by `trim` keeps.
    package static func overCapMessage(_ cap: Int) -> String {
        "dropped: more than \(cap) notifications of this migration were outstanding"
    }
}

/// The durable queue of webhooks to send, kept in the migration store so that a notification is written in
/// the same transaction as the decision it reports: a crash can neither lose one nor send one for a decision
/// that was not stored. Delivery is at least once (a crash between the POST and `settle` sends it again);
/// receivers can recognize a repeat by its `Glidepath-Delivery` header (the dedupe key).
///
/// Implementations: `SQLiteMigrationStore` (table `notification_outbox`) and `InMemoryMigrationStore`.
package protocol NotificationOutbox: AnyObject, Sendable {
    /// Adds notifications in one transaction, skipping any whose dedupe key the outbox already holds.
    func enqueue(_ notifications: [OutboxNotification]) throws
    /// Outstanding notifications due at `wall` (ms), by due time then age, at most `limit`.
    func dueNotifications(atWall wall: Int64, limit: Int) throws -> [OutboxRow]
    /// Records an attempt's outcome. A settled row (delivered or dropped) is never due again.
    func settle(id: Int64, _ outcome: DeliveryOutcome, atWall wall: Int64) throws
    /// Drops each migration's oldest outstanding rows beyond `maxOutstanding` (settled as dropped) and forgets
    /// settled rows settled before `forgetSettledBefore` (wall ms), freeing their dedupe keys.
    func trim(maxOutstanding: Int, forgetSettledBefore: Int64, atWall wall: Int64) throws -> OutboxTrim
}
