import Foundation
import GlidepathCore
import SQLiteStore
import Testing
@testable import GlidepathServer

/// A promoted standby starts the same runtime as `serve`: its retention job prunes history.
@Suite(.serialized) struct PromotedRetentionTests {
    @Test func aPromotedStandbyRunsTheRetentionJob() throws {
        Log.enabled = false
        try TempDirectory.with { dir in
            let policies = dir.file("policies")
            try FileManager.default.createDirectory(atPath: policies, withIntermediateDirectories: true)
            let path = dir.file("standby.db")
            let store = try SQLiteMigrationStore(path: path)
            // An archived migration with three decisions (created, pause, deleted) in the standby's database.
            let seeding = Controller(store: store, time: ManualTimeSource(Fixture.start))
            _ = try seeding.apply(policySource: Fixture.policy("old-one"), name: "old-one")
            _ = try seeding.perform(.pause, migration: "old-one", reason: "seed")
            let archive = try seeding.delete(migration: "old-one", reason: "seed", by: nil)
            #expect(try store.archivedDecisions(archiveID: archive.id, limit: 100).count >= 2)

            var config = ServeConfig()
            config.databasePath = path
            config.policiesDirectory = policies
            config.retention = HistoryRetention(days: 0, maxDecisions: 1)
            config.latencyBuckets = .coarse
            let followed = try SQLiteStandbyStore(path: path)
            let runtime = StandbyRuntime(config: config, standby: StandbyConfig(primary: "http://127.0.0.1:9"),
                                         store: store, followedStore: followed, restored: [], retentionPeriod: 1)
            defer {
                runtime.stop()
                runtime.closeStores()
            }
            // Not promoted: nothing prunes.
            Thread.sleep(forTimeInterval: 0.3)
            #expect(try store.archivedDecisions(archiveID: archive.id, limit: 100).count >= 2)
            guard case .success = runtime.promote() else {
                Issue.record("promotion refused")
                return
            }
            var left = Int.max
            for _ in 0..<100 {
                left = try store.archivedDecisions(archiveID: archive.id, limit: 100).count
                if left == 1 { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(left == 1)
        }
    }
}
