import SQLiteStore
import Testing

/// Schema migrations: applied once each, recorded, idempotent on reopen.
@Suite struct SQLiteSchemaTests {
    private func records(_ db: SQLiteConnection) throws -> [String] {
        let query = try db.prepare("SELECT id, name, applied_at > 0 FROM schema_migrations ORDER BY id")
        var rows: [String] = []
        while try query.step() { rows.append("\(query.int(at: 0)) \(query.text(at: 1)) \(query.int(at: 2))") }
        return rows
    }

    private func tables(_ db: SQLiteConnection) throws -> [String] {
        let query = try db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name")
        var names: [String] = []
        while try query.step() { names.append(query.text(at: 0)) }
        return names
    }

    @Test func storeAppliesTheSchemaOnceAndRecordsIt() throws {
        try TempDirectory.with { directory in
            let path = directory.file("glidepath.db")
            try SQLiteMigrationStore(path: path).close()
            let reader = try SQLiteConnection(path: path, flags: [.readOnly])
            #expect(try records(reader) == ["1 create-store-tables 1", "2 step-started-wall 1", "3 decision-actor-name 1", "4 notification-outbox 1", "5 held-weight 1", "6 archive 1"])
            let appliedAt = try reader.scalarInt("SELECT applied_at FROM schema_migrations WHERE id = 1")
            #expect(try tables(reader) == ["archived_decisions", "archived_decisions_by_archive",
                                           "archived_decisions_by_at", "archived_migrations",
                                           "archived_migrations_by_name", "decisions", "decisions_by_at",
                                           "decisions_by_migration", "judge_state", "migrations",
                                           "notification_outbox", "notification_outbox_due", "policy_versions",
                                           "schema_migrations"])

            try SQLiteMigrationStore(path: path).close()
            #expect(try records(reader) == ["1 create-store-tables 1", "2 step-started-wall 1", "3 decision-actor-name 1", "4 notification-outbox 1", "5 held-weight 1", "6 archive 1"])
            #expect(try reader.scalarInt("SELECT applied_at FROM schema_migrations WHERE id = 1") == appliedAt)
        }
    }

    @Test func failedMigrationIsRolledBackAndNotRecorded() throws {
        let db = try SQLiteConnection(path: ":memory:")
        let migrations = [SchemaMigration(id: 1, name: "one", sql: "CREATE TABLE one (x)"),
                          SchemaMigration(id: 2, name: "two", sql: "CREATE TABLE two (x); INSERT INTO nope VALUES (1)")]
        let error = #expect(throws: SQLiteError.self) { try SQLiteSchema.migrate(db, migrations: migrations) }
        #expect(error?.message == "no such table: nope")
        #expect(try records(db) == ["1 one 1"])
        #expect(try tables(db) == ["one", "schema_migrations"])

        let fixed = [migrations[0], SchemaMigration(id: 2, name: "two", sql: "CREATE TABLE two (x)")]
        try SQLiteSchema.migrate(db, migrations: fixed)
        try SQLiteSchema.migrate(db, migrations: fixed)
        #expect(try records(db) == ["1 one 1", "2 two 1"])
    }

    @Test func databaseFromANewerBuildIsRefused() throws {
        let db = try SQLiteConnection(path: ":memory:")
        try SQLiteSchema.migrate(db)
        try db.exec("INSERT INTO schema_migrations VALUES (99, 'from-the-future', 0)")
        let error = #expect(throws: SQLiteError.self) { try SQLiteSchema.migrate(db) }
        #expect(error?.message == "database has schema migration 99, unknown to this build (newer glidepath?)")
    }
}

/// Schema 2: a database written before it keeps its step start as the wall time people see.
@Suite struct StepStartedWallMigrationTests {
    @Test func oldRowsGetTheirStepStartAsWallTime() throws {
        try TempDirectory.with { directory in
            let path = directory.file("glidepath.db")
            let db = try SQLiteConnection(path: path)
            try SQLiteSchema.migrate(db, migrations: [SQLiteSchema.migrations[0]])
            try db.exec("""
                INSERT INTO policy_versions VALUES ('m', 1, '{}', 5);
                INSERT INTO migrations VALUES ('m', 1, 'ramping', 0, 1, 1764000000000, 1764000000000, 'created');
                """)
            try SQLiteSchema.migrate(db)
            #expect(try db.scalarInt("SELECT step_started_wall FROM migrations WHERE name = 'm'") == 1_764_000_000_000)
            try db.close()
        }
    }
}
