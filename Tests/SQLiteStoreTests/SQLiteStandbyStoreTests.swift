import Foundation
import GlidepathCore
import Testing
@testable import SQLiteStore

@Suite struct SQLiteStandbyStoreTests {
    static func followed(_ name: String, revision: Int64, decisions: String = "") throws -> FollowedMigration {
        let body = #"{"migration":"\#(name)","revision":\#(revision),"state":"ramping","step":1,"baseline":"old","#
            + #""candidate":"new","weights":{"old":75,"new":25},"pollAfterSeconds":5,"errorStatuses":[0,429,"5xx"]}"#
        var f = try FollowedMigration.parse(name: name, body: Array(body.utf8), etag: "\"\(revision)\"",
                                            cacheControl: "max-age=5", followedAt: 1_764_000_000_000)
        f.decisionsJSON = decisions
        return f
    }

    @Test func aReopenedStandbyStoreGivesBackTheExactDocuments() throws {
        try TempDirectory.with { dir in
            let a = try Self.followed("a", revision: 3, decisions: #"[{"revision":3}]"#)
            let b = try Self.followed("b/β", revision: 9)
            do {
                let store = try SQLiteStandbyStore(path: dir.file("standby.db"))
                try store.saveFollowed(a)
                try store.saveFollowed(try Self.followed("b/β", revision: 8))
                try store.saveFollowed(b)
                store.close()
                #expect(throws: FollowError.self) { try store.loadFollowed() }
            }
            let reopened = try SQLiteStandbyStore(path: dir.file("standby.db"))
            defer { reopened.close() }
            #expect(try reopened.loadFollowed() == [a, b])
            try reopened.removeFollowed("a")
            #expect(try reopened.loadFollowed().map(\.name) == ["b/β"])
        }
    }

    @Test func theTableLivesBesideTheMigrationsStoreInOneFile() throws {
        try TempDirectory.with { dir in
            let migrations = try SQLiteMigrationStore(path: dir.file("g.db"))
            defer { migrations.close() }
            let standby = try SQLiteStandbyStore(path: dir.file("g.db"))
            defer { standby.close() }
            try standby.saveFollowed(try Self.followed("a", revision: 1))
            #expect(try migrations.loadAll().isEmpty)
            #expect(try standby.loadFollowed().count == 1)
        }
    }
}
