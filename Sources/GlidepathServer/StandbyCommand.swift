import Foundation
import GlidepathCore
import HTTPServer
import SQLiteStore
import Synchronization

/// `glidepath serve --standby --primary URL`: follows the primary into its own database and serves what it
/// followed read-only until `POST /v1/standby/promote` makes it a primary (`StandbyRuntime.promote`).
package enum StandbyCommand {
    package static func run(_ config: ServeConfig, _ standby: StandbyConfig) -> Int32 {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        let maskResult = pthread_sigmask(SIG_BLOCK, &signals, nil)
        guard maskResult == 0 else {
            Log.error("cannot block SIGTERM/SIGINT (error \(maskResult))")
            return 1
        }
        signal(SIGPIPE, SIG_IGN)
        // The policies a promotion will need are checked now, not at the worst moment.
        do {
            let bad = try PolicyFile.list(directory: config.policiesDirectory).map(PolicyFile.read).flatMap(\.problemLines)
            if !bad.isEmpty {
                for line in bad { StandardStreams.writeError(line + "\n") }
                Log.error("refusing to start: \(bad.count) problem(s) in \(config.policiesDirectory)")
                return 1
            }
        } catch {
            Log.error("policies: \(error)")
            return 1
        }
        let store: SQLiteMigrationStore
        let followedStore: SQLiteStandbyStore
        let restored: [FollowedMigration]
        do {
            store = try SQLiteMigrationStore(path: config.databasePath)
            let owned = try store.loadAll().count
            guard owned == 0 else {
                Log.error("refusing to start as a standby: \(config.databasePath) holds \(owned) migration(s) of a "
                    + "primary (a promoted standby?); start it without --standby, or give the standby its own --db")
                store.close()
                return 1
            }
            followedStore = try SQLiteStandbyStore(path: config.databasePath)
            restored = try followedStore.loadFollowed()
        } catch {
            Log.error("cannot open the standby's store at \(config.databasePath): \(error)")
            return 1
        }
        let runtime = StandbyRuntime(config: config, standby: standby, store: store, followedStore: followedStore,
                                     restored: restored)
        var httpConfig = HTTPServerConfig()
        httpConfig.host = config.host
        httpConfig.port = config.port
        let server = HTTPServer(config: httpConfig, headCheck: { runtime.head($0) }, handler: { runtime.handle($0) })
        let port: UInt16
        do { port = try server.start() } catch {
            Log.error("cannot listen on \(config.host):\(config.port): \(error)")
            store.close()
            return 1
        }
        runtime.startFollowing()
        Log.event(.standby, .info, "glidepath \(ServerMetrics.version) standby of \(standby.primary) listening on "
            + "\(config.host):\(port), \(restored.count) followed migration(s) restored from \(config.databasePath), "
            + "following every \(standby.followInterval)s; writes answer 503 until promote-standby",
            [("primary", .string(standby.primary))])
        var received: Int32 = 0
        while sigwait(&signals, &received) != 0 {}
        Log.info("signal \(received): stopping")
        runtime.stop()
        server.shutdown()
        runtime.closeStores()
        Log.info("stopped")
        return 0
    }
}
