import Testing
import GlidepathCore
import SQLiteStore

/// The stores the contract tests run against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case inMemory

    var testDescription: String { rawValue }

    /// Runs `body` with a fresh store of this kind; the SQLite file lives in a temp dir removed afterwards.
    func with(_ body: (any MigrationStore) throws -> Void) throws {
        switch self {
        case .inMemory:
            try body(InMemoryMigrationStore())
        case .sqlite:
            try TempDirectory.with { directory in
                let store = try SQLiteMigrationStore(path: directory.file("glidepath.db"))
                defer { store.close() }
                try body(store)
            }
        }
    }
}
