import Foundation
import GlidepathCore
import HTTPServer
import SQLiteStore
import Synchronization

/// A running standby: the follower on its own thread, the standby routes, and the promotion that turns the
/// process into a primary (controller, control loop, notifications) without closing its listening socket.
package final class StandbyRuntime: @unchecked Sendable {
    let config: ServeConfig
    let standby: StandbyConfig
    let store: SQLiteMigrationStore
    let followedStore: SQLiteStandbyStore
    let follower: StandbyFollower
    let router: StandbyRouter
    let time = SystemTimeSource()
    /// The follower's thread; replaced when a refused promotion resumes following.
    private var worker: WorkerThread?
    /// Set once promoted: from then on every request goes to the primary's router.
    private let promoted = Mutex<Router?>(nil)
    /// What a promoted standby runs, stopped at shutdown.
    private var running: ControllerRuntime?
    /// How often a promoted standby's retention job runs (tests shorten it).
    let retentionPeriod: Double
    private let followTransport = URLSessionFollowTransport()
    /// Serializes promotions (a second one waits, then answers 409).
    private let promoting = NSLock()

    init(config: ServeConfig, standby: StandbyConfig, store: SQLiteMigrationStore, followedStore: SQLiteStandbyStore,
         restored: [FollowedMigration], retentionPeriod: Double = RetentionJob.defaultPeriod) {
        self.config = config
        self.retentionPeriod = retentionPeriod
        self.standby = standby
        self.store = store
        self.followedStore = followedStore
        let state = StandbyState(primary: standby.primary, restored: restored)
        let metrics = StandbyMetrics(primary: standby.primary)
        for f in restored { metrics.publish(f) }
        metrics.followed.set(Double(restored.count), labels: [])
        follower = StandbyFollower(primary: standby.primary, token: standby.primaryToken, transport: followTransport,
                                   store: followedStore, state: state, metrics: metrics,
                                   wallClock: { SystemTimeSource.realtime() })
        let auth = Authorizer(adminToken: config.adminToken, ingestToken: config.ingestToken)
        let hook = PromoteHook()
        router = StandbyRouter(state: state, metrics: metrics, auth: auth, promote: { hook.call() })
        hook.set { [unowned self] in self.promote() }
    }

    // MARK: Serving

    func head(_ h: HTTPRequestHead) -> HTTPHeadVerdict {
        if let primary = promoted.withLock({ $0 }) {
            if h.request.path.hasPrefix("/v1/standby") { return .respond(Self.alreadyPromoted) }
            return primary.head(h)
        }
        return router.head(h)
    }

    func handle(_ r: HTTPRequest) -> HTTPResponse {
        if let primary = promoted.withLock({ $0 }) { return primary.handle(r) }
        return router.handle(r)
    }

    static let alreadyPromoted = Router.error(APIError(
        status: 409, message: "already promoted: this process is a primary now, not a standby"))

    // MARK: Following

    func startFollowing() {
        let follower = self.follower
        let w = WorkerThread(name: "standby-follower", period: standby.followInterval) { _ in
            follower.followOnce()
            return false
        }
        worker = w
        w.start()
    }

    func stop() {
        promoting.lock()  // a promotion in progress finishes first
        defer { promoting.unlock() }
        worker?.stop()
        running?.stopWork()
        running?.stopDelivery()
        followTransport.close()
    }

    func closeStores() {
        followedStore.close()
        store.close()
    }

    // MARK: Promotion

    /// Becomes a primary: checks the policies against what was followed (409, still a standby, on any
    /// mismatch), stops following, writes each migration's followed state at its next revision, loads it
    /// like a restarted primary, applies the policies folder, starts the control loop. Never automatic.
    func promote() -> Result<JSON, APIError> {
        promoting.lock()
        defer { promoting.unlock() }
        if promoted.withLock({ $0 }) != nil {
            return .failure(APIError(status: 409, message: "already promoted: this process is a primary now, not a standby"))
        }
        let files: [PolicyFile]
        do { files = try PolicyFile.list(directory: config.policiesDirectory).map(PolicyFile.read) } catch {
            return .failure(APIError(status: 409, message: "not promoted (still a standby): policies: \(error)"))
        }
        // A first check while still following, so a refusal does not interrupt following.
        if case .failure(let e) = StandbyPromotion.plan(followed: follower.state.all(), files: files,
                                                        policiesDirectory: config.policiesDirectory,
                                                        primary: standby.primary, now: time.read()) {
            return .failure(e)
        }
        worker?.stop()
        let followed = follower.state.all()
        let changes: [StoreChange]
        switch StandbyPromotion.plan(followed: followed, files: files, policiesDirectory: config.policiesDirectory,
                                     primary: standby.primary, now: time.read()) {
        case .failure(let e):
            startFollowing()
            return .failure(e)
        case .success(let c): changes = c
        }
        for change in changes {
            do { try store.save(change) } catch {
                startFollowing()
                return .failure(APIError(status: 503, message: "not promoted (still a standby): the store refused "
                    + "\(change.status.migration): \(StoreHealth.plainReason(error)); fix the store and promote again"))
            }
        }
        // The same controller, loop, notifications and history retention as `serve` runs.
        let runtime = ControllerRuntime(config: config, store: store, time: time, retentionPeriod: retentionPeriod)
        let controller = runtime.controller
        do { try controller.load() } catch {
            runtime.stopDelivery()
            return .failure(APIError(status: 503, message: "promotion wrote the followed state but cannot load it: \(error)"))
        }
        var created: [String] = []
        for f in files {
            guard case .success(let p) = f.result else { continue }
            if let (outcome, _) = try? controller.apply(policySource: f.source, name: p.migration), outcome == .created {
                created.append(p.migration)
            }
        }
        runtime.start()
        running = runtime
        promoted.withLock { $0 = Router(controller: controller, auth: router.auth) }
        let taken = changes.map { c -> JSON in
            .object([("migration", .string(c.status.migration)), ("revision", .int(c.status.revision)),
                     ("state", .string(c.status.phase.rawValue)), ("step", .int(Int64(c.status.step)))])
        }
        Log.event(.standby, .info, "promoted: this standby of \(standby.primary) is a primary now; took over "
            + "\(changes.count) migration(s), created \(created.count) from \(config.policiesDirectory); the control "
            + "loop runs and writes are accepted. The old primary must stay stopped (fenced).",
            [("primary", .string(standby.primary))])
        return .success(.object([("promoted", .bool(true)), ("formerPrimary", .string(standby.primary)),
                                 ("takenOver", .array(taken)), ("created", .array(created.map(JSON.string)))]))
    }
}

/// The promotion, reachable from the router before the runtime that carries it out is fully built.
private final class PromoteHook: Sendable {
    private let body = Mutex<(@Sendable () -> Result<JSON, APIError>)?>(nil)

    func set(_ f: @escaping @Sendable () -> Result<JSON, APIError>) { body.withLock { $0 = f } }

    func call() -> Result<JSON, APIError> {
        guard let f = body.withLock({ $0 }) else { return .failure(APIError(status: 503, message: "starting up; retry")) }
        return f()
    }
}
