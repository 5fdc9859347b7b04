import CSQLite

/// One schema change, applied once per database in its own transaction and recorded by `id`.
package struct SchemaMigration: Sendable {
    package var id: Int
    package var name: String
    package var sql: String

    package init(id: Int, name: String, sql: String) {
        self.id = id
        self.name = name
        self.sql = sql
    }
}

/// The store's schema history and the code that brings a database up to date.
///
/// Append new migrations with the next id; never edit one that has shipped.
package enum SQLiteSchema {
    package static let migrations: [SchemaMigration] = [
        SchemaMigration(id: 1, name: "create-store-tables", sql: """
            CREATE TABLE migrations (
                name TEXT NOT NULL PRIMARY KEY,
                policy_version INTEGER NOT NULL,
                phase TEXT NOT NULL CHECK (phase IN ('ramping', 'waiting', 'paused', 'promoted', 'rolled_back')),
                step INTEGER NOT NULL,
                revision INTEGER NOT NULL,
                step_started_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                reason TEXT NOT NULL,
                -- Deferred: a brand-new migration's row and its first policy version arrive in one transaction.
                FOREIGN KEY (name, policy_version) REFERENCES policy_versions (migration, version)
                    DEFERRABLE INITIALLY DEFERRED
            );
            CREATE TABLE policy_versions (
                migration TEXT NOT NULL REFERENCES migrations (name),
                version INTEGER NOT NULL,
                source TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (migration, version)
            );
            CREATE TABLE decisions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                migration TEXT NOT NULL REFERENCES migrations (name),
                at INTEGER NOT NULL,
                revision INTEGER NOT NULL,
                action TEXT NOT NULL,
                from_step INTEGER NOT NULL,
                to_step INTEGER NOT NULL,
                baseline TEXT NOT NULL,
                candidate TEXT NOT NULL,
                candidate_bp INTEGER NOT NULL,
                actor TEXT NOT NULL CHECK (actor IN ('judge', 'operator')),
                reason TEXT NOT NULL,
                evidence TEXT NOT NULL
            );
            CREATE INDEX decisions_by_migration ON decisions (migration, id);
            CREATE TABLE judge_state (
                migration TEXT NOT NULL PRIMARY KEY REFERENCES migrations (name),
                state TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            );
            """),
        SchemaMigration(id: 2, name: "step-started-wall", sql: """
            -- step_started_at is the steady (monotonic, restart-continued) clock; this is the wall time for people.
            ALTER TABLE migrations ADD COLUMN step_started_wall INTEGER;
            UPDATE migrations SET step_started_wall = step_started_at;
            """),
        SchemaMigration(id: 3, name: "decision-actor-name", sql: """
            -- Who the operator was (alice@laptop), when they said; NULL for the judge and anonymous calls.
            ALTER TABLE decisions ADD COLUMN actor_name TEXT;
            """),
        SchemaMigration(id: 4, name: "notification-outbox", sql: """
            -- Webhooks to send, written in the transaction of the decision they report (NotificationOutbox).
            -- A row is outstanding while settled_at is NULL; a settled one (delivered or dropped) is kept a while
            -- so its dedupe_key stays taken and a restart does not send a stuck or broken notice again.
            CREATE TABLE notification_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                migration TEXT NOT NULL,
                event TEXT NOT NULL,
                dedupe_key TEXT NOT NULL UNIQUE,
                url TEXT NOT NULL,
                format TEXT NOT NULL,
                body TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                last_error TEXT,
                settled_at INTEGER,
                outcome TEXT CHECK (outcome IN ('delivered', 'dropped'))
            );
            CREATE INDEX notification_outbox_due ON notification_outbox (settled_at, next_attempt_at);
            """),
        SchemaMigration(id: 5, name: "held-weight", sql: """
            -- An operator hold (set-weight): the candidate's weight in basis points while paused; NULL otherwise.
            ALTER TABLE migrations ADD COLUMN held_weight_bp INTEGER
                CHECK (held_weight_bp IS NULL OR (held_weight_bp >= 0 AND held_weight_bp <= 10000));
            """),
        SchemaMigration(id: 6, name: "archive", sql: """
            -- Deleted migrations (DELETE /v1/migrations/{name}): one row per delete, several per name told apart
            -- by id and archived_at; their decisions move to archived_decisions in the delete's transaction.
            -- revision is kept so a migration applied again under the name continues above it.
            CREATE TABLE archived_migrations (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                archived_at INTEGER NOT NULL,
                phase TEXT NOT NULL,
                step INTEGER NOT NULL,
                revision INTEGER NOT NULL,
                policy_version INTEGER NOT NULL,
                policy_source TEXT NOT NULL,
                -- Space-separated SHA-256 (hex) of every policy version: serve does not bring the migration back
                -- from a policy file whose text is one of them.
                policy_digests TEXT NOT NULL,
                actor_name TEXT,
                reason TEXT NOT NULL
            );
            CREATE INDEX archived_migrations_by_name ON archived_migrations (name, id);
            CREATE TABLE archived_decisions (
                id INTEGER PRIMARY KEY,
                archive_id INTEGER NOT NULL REFERENCES archived_migrations (id),
                at INTEGER NOT NULL,
                revision INTEGER NOT NULL,
                action TEXT NOT NULL,
                from_step INTEGER NOT NULL,
                to_step INTEGER NOT NULL,
                baseline TEXT NOT NULL,
                candidate TEXT NOT NULL,
                candidate_bp INTEGER NOT NULL,
                actor TEXT NOT NULL,
                reason TEXT NOT NULL,
                evidence TEXT NOT NULL,
                actor_name TEXT
            );
            CREATE INDEX archived_decisions_by_archive ON archived_decisions (archive_id, id);
            -- Retention deletes by age across all migrations.
            CREATE INDEX decisions_by_at ON decisions (at);
            CREATE INDEX archived_decisions_by_at ON archived_decisions (at);
            """),
    ]

    /// Creates `schema_migrations` if needed and applies every migration not yet recorded there,
    /// each in one transaction with its record. Running it again changes nothing.
    ///
    /// Throws when the database records a migration this build does not know (it was written by a
    /// newer glidepath): carrying on would misread its tables.
    package static func migrate(_ connection: SQLiteConnection,
                               migrations: [SchemaMigration] = SQLiteSchema.migrations) throws {
        try connection.exec("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                id INTEGER NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at INTEGER NOT NULL
            )
            """)
        let applied = try appliedIDs(connection)
        let known = Set(migrations.map(\.id))
        if let unknown = applied.subtracting(known).min() {
            throw SQLiteError(resultCode: SQLITE_ERROR, extendedCode: SQLITE_ERROR,
                              message: "database has schema migration \(unknown), unknown to this build (newer glidepath?)",
                              operation: "SQLiteSchema.migrate", location: "\(#fileID):\(#line)")
        }
        for migration in migrations.sorted(by: { $0.id < $1.id }) where !applied.contains(migration.id) {
            try connection.transaction {
                try connection.exec(migration.sql)
                let record = try connection.prepare("""
                    INSERT INTO schema_migrations (id, name, applied_at)
                    VALUES (?, ?, CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER))
                    """)
                try record.bind(.int(migration.id), .text(migration.name))
                try record.step()
            }
        }
    }

    /// The ids recorded in `schema_migrations`.
    package static func appliedIDs(_ connection: SQLiteConnection) throws -> Set<Int> {
        let query = try connection.prepare("SELECT id FROM schema_migrations")
        var ids = Set<Int>()
        while try query.step() { ids.insert(query.int(at: 0)) }
        return ids
    }
}
