import Foundation
import GlidepathCore
import HTTPServer
import Synchronization
@testable import GlidepathServer

/// A `FollowTransport` answering from an in-process primary (`Fixture.world()`'s router), with switches to
/// make it unreachable or answer something else for one path.
final class FakePrimaryTransport: FollowTransport, Sendable {
    let router: Router
    private let state = Mutex<(down: Bool, overrides: [String: FollowResponse], log: [(url: String, status: Int?)])>(
        (false, [:], []))
    static let base = "http://primary.test:8470"

    init(router: Router) { self.router = router }

    func setDown(_ down: Bool) { state.withLock { $0.down = down } }
    /// Answers `response` for every GET whose path is `path` (nil: back to the router).
    func override(_ path: String, _ response: FollowResponse?) { state.withLock { $0.overrides[path] = response } }
    var log: [(url: String, status: Int?)] { state.withLock { $0.log } }
    func clearLog() { state.withLock { $0.log = [] } }

    func get(_ url: String, headers: [(String, String)], timeout: Double, maxBytes: Int) -> FollowResponse {
        let target = String(url.dropFirst(Self.base.count))
        let path = String(target.split(separator: "?", maxSplits: 1).first ?? "")
        let answer: FollowResponse = state.withLock { s in
            if s.down { return .unreachable("connection refused") }
            if let o = s.overrides[path] { return o }
            let r = router.handle(Fixture.request("GET", target, headers: headers))
            return FollowResponse(status: r.status, etag: r.headers["ETag"], cacheControl: r.headers["Cache-Control"],
                                  body: Array(r.body.prefix(maxBytes)), tooLarge: r.body.count > maxBytes)
        }
        state.withLock { $0.log.append((url, answer.status)) }
        return answer
    }
}

/// A primary, a standby following it, and their clocks.
struct StandbyWorld {
    let primary: Fixture.World
    let transport: FakePrimaryTransport
    let store: InMemoryStandbyStore
    let follower: StandbyFollower
    let router: StandbyRouter

    init(token: String? = "admin-secret", restored: [FollowedMigration] = [],
         promote: @escaping @Sendable () -> Result<JSON, APIError> = { .failure(APIError(status: 409, message: "no")) }) {
        primary = Fixture.world()
        transport = FakePrimaryTransport(router: primary.router)
        store = InMemoryStandbyStore(restored)
        let state = StandbyState(primary: FakePrimaryTransport.base, restored: restored)
        let metrics = StandbyMetrics(primary: FakePrimaryTransport.base)
        follower = StandbyFollower(primary: FakePrimaryTransport.base, token: token, transport: transport, store: store,
                                   state: state, metrics: metrics, wallClock: { Fixture.start })
        router = StandbyRouter(state: state, metrics: metrics,
                               auth: Authorizer(adminToken: "standby-admin", ingestToken: "standby-ingest"),
                               promote: promote)
    }

    /// Applies a policy on the primary.
    func apply(_ name: String = "chat-completions", extra: String = "") throws {
        _ = try primary.controller.apply(policySource: Fixture.policy(name, extra: extra), name: name)
    }

    func primaryGet(_ target: String, _ headers: [(String, String)] = []) -> HTTPResponse {
        primary.router.handle(Fixture.request("GET", target, headers: headers))
    }

    func standbyGet(_ target: String, _ headers: [(String, String)] = []) -> HTTPResponse {
        router.handle(Fixture.request("GET", target, headers: headers))
    }
}
