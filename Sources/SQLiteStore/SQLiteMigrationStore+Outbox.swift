import GlidepathCore

/// The store's `NotificationOutbox`: table `notification_outbox` (schema migration 4).
extension SQLiteMigrationStore {
    package func enqueue(_ notifications: [OutboxNotification]) throws {
        guard !notifications.isEmpty else { return }
        try withConnection("enqueue") { db in
            if !db.isAutocommit { try? db.exec("ROLLBACK") }
            try db.transaction { try Self.insertNotifications(db, notifications) }
        }
    }

    package func dueNotifications(atWall wall: Int64, limit: Int) throws -> [OutboxRow] {
        try withConnection("dueNotifications") { db in
            let query = try db.prepare("""
                SELECT id, migration, event, dedupe_key, url, format, body, attempts, next_attempt_at, created_at, last_error
                FROM notification_outbox WHERE settled_at IS NULL AND next_attempt_at <= ?
                ORDER BY next_attempt_at, id LIMIT ?
                """)
            try query.bind(.integer(wall), .int(max(0, limit)))
            var rows: [OutboxRow] = []
            var unknown: [(id: Int64, what: String)] = []
            while try query.step() {
                let id = query.int64(at: 0)
                guard let event = NotifyEvent(rawValue: query.text(at: 2)),
                      let format = NotifyFormat(rawValue: query.text(at: 5)) else {
                    unknown.append((id, "event \(query.text(at: 2)), format \(query.text(at: 5))"))
                    continue
                }
                let n = OutboxNotification(migration: query.text(at: 1), event: event, dedupeKey: query.text(at: 3),
                                           url: query.text(at: 4), format: format, body: query.text(at: 6),
                                           createdAt: query.int64(at: 9))
                rows.append(OutboxRow(id: id, notification: n, attempts: query.int(at: 7),
                                      nextAttemptAt: query.int64(at: 8), lastError: query.optionalText(at: 10)))
            }
            // Written by a newer build: never due again rather than blocking the queue's head.
            for u in unknown {
                try Self.settleRow(db, id: u.id, .dropped(error: "not sent: this build does not know \(u.what)"), atWall: wall)
            }
            return rows
        }
    }

    package func settle(id: Int64, _ outcome: DeliveryOutcome, atWall wall: Int64) throws {
        try withConnection("settle") { db in try Self.settleRow(db, id: id, outcome, atWall: wall) }
    }

    package func trim(maxOutstanding: Int, forgetSettledBefore: Int64, atWall wall: Int64) throws -> OutboxTrim {
        let cap = max(0, maxOutstanding)
        return try withConnection("trim") { db in
            if !db.isAutocommit { try? db.exec("ROLLBACK") }
            return try db.transaction {
                var out = OutboxTrim()
                let counts = try db.prepare("""
                    SELECT migration, COUNT(*) FROM notification_outbox WHERE settled_at IS NULL GROUP BY migration
                    """)
                var over: [(String, Int)] = []
                while try counts.step() {
                    let (migration, n) = (counts.text(at: 0), counts.int(at: 1))
                    out.outstanding[migration] = min(n, cap)
                    if n > cap { over.append((migration, n - cap)) }
                }
                for (migration, excess) in over {
                    let drop = try db.prepare("""
                        UPDATE notification_outbox SET settled_at = ?, outcome = 'dropped', last_error = ?
                        WHERE id IN (SELECT id FROM notification_outbox WHERE migration = ? AND settled_at IS NULL
                                     ORDER BY id LIMIT ?)
                        """)
                    try drop.bind(.integer(wall), .text(OutboxTrim.overCapMessage(cap)), .text(migration), .int(excess))
                    try drop.step()
                    out.dropped[migration] = excess
                }
                let forget = try db.prepare("DELETE FROM notification_outbox WHERE settled_at < ?")
                try forget.bind(.integer(forgetSettledBefore))
                try forget.step()
                return out
            }
        }
    }

    /// Adds notifications (inside the caller's transaction); a taken dedupe key is skipped.
    static func insertNotifications(_ db: SQLiteConnection, _ notifications: [OutboxNotification]) throws {
        guard !notifications.isEmpty else { return }
        let insert = try db.prepare("""
            INSERT OR IGNORE INTO notification_outbox
                (migration, event, dedupe_key, url, format, body, attempts, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
            """)
        for n in notifications {
            try insert.reset()
            try insert.bind(.text(n.migration), .text(n.event.rawValue), .text(n.dedupeKey), .text(n.url),
                            .text(n.format.rawValue), .text(n.body), .integer(n.createdAt), .integer(n.createdAt))
            try insert.step()
        }
    }

    static func settleRow(_ db: SQLiteConnection, id: Int64, _ outcome: DeliveryOutcome, atWall wall: Int64) throws {
        let statement: SQLiteStatement
        switch outcome {
        case .delivered:
            // The body is not needed any more; the row stays a while for its dedupe key.
            statement = try db.prepare("""
                UPDATE notification_outbox SET settled_at = ?, outcome = 'delivered', body = ''
                WHERE id = ? AND settled_at IS NULL
                """)
            try statement.bind(.integer(wall), .integer(id))
        case .retry(let at, let error):
            statement = try db.prepare("""
                UPDATE notification_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
                WHERE id = ? AND settled_at IS NULL
                """)
            try statement.bind(.integer(at), .text(error), .integer(id))
        case .dropped(let error):
            statement = try db.prepare("""
                UPDATE notification_outbox SET attempts = attempts + 1, settled_at = ?, outcome = 'dropped', last_error = ?
                WHERE id = ? AND settled_at IS NULL
                """)
            try statement.bind(.integer(wall), .text(error), .integer(id))
        }
        try statement.step()
    }
}
