/// The in-memory store's `NotificationOutbox`: same rules as the SQLite table `notification_outbox`.
extension InMemoryMigrationStore {
    package func enqueue(_ notifications: [OutboxNotification]) throws {
        contents.withLock { $0.outbox.insert(notifications) }
    }

    package func dueNotifications(atWall wall: Int64, limit: Int) throws -> [OutboxRow] {
        contents.withLock { $0.outbox.due(atWall: wall, limit: limit) }
    }

    package func settle(id: Int64, _ outcome: DeliveryOutcome, atWall wall: Int64) throws {
        contents.withLock { $0.outbox.settle(id: id, outcome, atWall: wall) }
    }

    package func trim(maxOutstanding: Int, forgetSettledBefore: Int64, atWall wall: Int64) throws -> OutboxTrim {
        contents.withLock { $0.outbox.trim(maxOutstanding: maxOutstanding, forgetSettledBefore: forgetSettledBefore,
                                           atWall: wall) }
    }
}

/// The rows of an in-memory outbox, by id (ascending ids are enqueue order).
struct InMemoryOutbox {
    struct Row {
        var row: OutboxRow
        /// When it was delivered or given up; nil while outstanding.
        var settledAt: Int64?
    }

    private(set) var rows: [Int64: Row] = [:]
    private var ids: [String: Int64] = [:]
    private var nextID: Int64 = 1

    mutating func insert(_ notifications: [OutboxNotification]) {
        for n in notifications where ids[n.dedupeKey] == nil {
            rows[nextID] = Row(row: OutboxRow(id: nextID, notification: n, attempts: 0, nextAttemptAt: n.createdAt,
                                              lastError: nil))
            ids[n.dedupeKey] = nextID
            nextID += 1
        }
    }

    func due(atWall wall: Int64, limit: Int) -> [OutboxRow] {
        rows.values.filter { $0.settledAt == nil && $0.row.nextAttemptAt <= wall }.map(\.row)
            .sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
            .prefix(max(0, limit)).map { $0 }
    }

    mutating func settle(id: Int64, _ outcome: DeliveryOutcome, atWall wall: Int64) {
        guard var r = rows[id], r.settledAt == nil else { return }
        switch outcome {
        case .delivered:
            r.settledAt = wall
        case .retry(let at, let error):
            r.row.attempts += 1
            r.row.nextAttemptAt = at
            r.row.lastError = error
        case .dropped(let error):
            r.row.attempts += 1
            r.row.lastError = error
            r.settledAt = wall
        }
        rows[id] = r
    }

    mutating func trim(maxOutstanding: Int, forgetSettledBefore: Int64, atWall wall: Int64) -> OutboxTrim {
        var out = OutboxTrim()
        let outstanding = Dictionary(grouping: rows.values.filter { $0.settledAt == nil }, by: \.row.notification.migration)
        for (migration, list) in outstanding {
            let excess = list.count - max(0, maxOutstanding)
            if excess > 0 {
                for r in list.sorted(by: { $0.row.id < $1.row.id }).prefix(excess) {
                    rows[r.row.id]?.settledAt = wall
                    rows[r.row.id]?.row.lastError = OutboxTrim.overCapMessage(maxOutstanding)
                }
                out.dropped[migration] = excess
            }
            out.outstanding[migration] = min(list.count, max(0, maxOutstanding))
        }
        for (id, r) in rows {
            if let settled = r.settledAt, settled < forgetSettledBefore {
                ids[r.row.notification.dedupeKey] = nil
                rows[id] = nil
            }
        }
        return out
    }
}
