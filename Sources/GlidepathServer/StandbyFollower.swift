import GlidepathCore
import Synchronization

/// Follows a primary like a shim does: its list, then the weights document of each migration whose
/// revision moved (and a few others, revalidated with `If-None-Match`), then the decisions of those that
/// changed. Every round is bounded: migrations, requests, bytes and time. A round that fails keeps what
/// was followed before; a document that is garbage, too large or older than the one held is refused.
package final class StandbyFollower: Sendable {
    package let primary: String
    /// Sent as `Authorization: Bearer` to read decisions (an admin endpoint); nil: decisions not read.
    let token: String?
    let transport: any FollowTransport
    let store: any StandbyStore
    package let state: StandbyState
    package let metrics: StandbyMetrics
    let wallClock: @Sendable () -> Int64
    private let cursor = Mutex(0)

    /// A primary listing more migrations than this is refused (the list is 4 MiB at most anyway).
    package static let maxMigrations = 10_000
    package static let maxListBytes = 4 << 20
    /// Weights documents fetched per round because their revision moved; the rest wait for the next round.
    package static let maxChangedPerRound = 256
    /// Unchanged documents revalidated per round (304s), in rotation.
    package static let revalidatePerRound = 16
    package static let requestTimeout = 2.0
    package static let decisionsLimit = 50
    /// A round stops fetching documents after this long; the rest waits for the next round.
    package static let maxRoundMilliseconds: Int64 = 10_000

    package init(primary: String, token: String?, transport: any FollowTransport, store: any StandbyStore,
                 state: StandbyState, metrics: StandbyMetrics, wallClock: @escaping @Sendable () -> Int64) {
        self.primary = primary.hasSuffix("/") ? String(primary.dropLast()) : primary
        self.token = token
        self.transport = transport
        self.store = store
        self.state = state
        self.metrics = metrics
        self.wallClock = wallClock
    }

    /// One round; returns the first error (nil: all followed). Logs each new kind of trouble once and the
    /// recovery once.
    @discardableResult
    package func followOnce() -> FollowError? {
        let error = round()
        let now = wallClock()
        if let error {
            metrics.followErrors.add(1, labels: [error.kind.rawValue])
            metrics.following.set(0, labels: [state.primary])
            if state.failed(error, at: now) {
                Log.event(.standby, .error, state.health.problem ?? error.message,
                          [("primary", .string(primary)), ("reason", .string(error.kind.rawValue))])
            }
        } else {
            metrics.following.set(1, labels: [state.primary])
            metrics.lastFollow.set(Double(now) / 1000, labels: [state.primary])
            if let cleared = state.succeeded(at: now) {
                Log.event(.standby, .info, "following \(primary) again (after: \(cleared.message))",
                          [("primary", .string(primary))])
            }
        }
        metrics.followed.set(Double(state.names.count), labels: [])
        return error
    }

    private func round() -> FollowError? {
        let listed: [(name: String, revision: Int64?)]
        switch fetchList() {
        case .failure(let e): return e
        case .success(let l): listed = l
        }
        var firstError: FollowError?
        let listedNames = Set(listed.map(\.name))
        for gone in state.names.subtracting(listedNames).sorted() {
            do { try store.removeFollowed(gone) } catch {
                firstError = firstError ?? FollowError(kind: .store, message: "cannot forget \(gone): \(error)")
                continue
            }
            state.remove(gone)
            metrics.forget(gone)
            Log.event(.standby, .info, "migration \(gone): no longer listed by \(primary); no longer served",
                      [("migration", .string(gone))])
        }
        var changed: [String] = []
        var unchanged: [String] = []
        for item in listed {
            if let held = state.migration(item.name), held.revision == item.revision {
                unchanged.append(item.name)
            } else {
                changed.append(item.name)
            }
        }
        var todo = Array(changed.prefix(Self.maxChangedPerRound))
        if !unchanged.isEmpty {
            let start = cursor.withLock { c -> Int in
                let s = c % unchanged.count
                c = s + Self.revalidatePerRound
                return s
            }
            let n = min(Self.revalidatePerRound, unchanged.count)
            todo += (0..<n).map { unchanged[(start + $0) % unchanged.count] }
        }
        let deadline = wallClock() + Self.maxRoundMilliseconds
        for name in todo {
            guard let e = follow(name) else { continue }
            firstError = firstError ?? e
            // The primary went away mid-round, or the round ran long: the rest waits for the next one.
            if e.kind == .unreachable || wallClock() > deadline { break }
        }
        return firstError
    }

    /// `GET /v1/migrations`: names and revisions.
    func fetchList() -> Result<[(name: String, revision: Int64?)], FollowError> {
        let url = primary + "/v1/migrations"
        let r = transport.get(url, headers: [], timeout: Self.requestTimeout, maxBytes: Self.maxListBytes)
        if let e = Self.problem(r, url: url, expecting: [200]) { return .failure(e) }
        func bad(_ why: String) -> FollowError { FollowError(kind: .malformed, message: "GET \(url): \(why)") }
        guard let text = String(validating: r.body, as: UTF8.self),
              let doc = try? JSONParser.parse(text, maxDepth: 8), let items = doc.elements else {
            return .failure(bad("the answer is not a JSON array"))
        }
        guard items.count <= Self.maxMigrations else {
            return .failure(FollowError(kind: .tooLarge, message: "GET \(url): \(items.count) migrations listed; "
                + "a standby follows at most \(Self.maxMigrations)"))
        }
        var out: [(name: String, revision: Int64?)] = []
        for item in items {
            guard let name = item["migration"]?.stringValue, !name.isEmpty, name.utf8.count <= 256 else {
                return .failure(bad("an item has no migration name"))
            }
            out.append((name, item["revision"]?.numberText.flatMap { Int64($0) }))
        }
        return .success(out)
    }

    /// Follows one migration's weights (and, when they changed, its decisions).
    func follow(_ name: String) -> FollowError? {
        let held = state.migration(name)
        let url = primary + "/v1/migrations/" + Self.escape(name) + "/weights"
        var headers: [(String, String)] = [("Glidepath-Shim", "glidepath-standby")]
        if let held { headers.append(("If-None-Match", held.etag)) }
        let now = wallClock()
        let r = transport.get(url, headers: headers, timeout: Self.requestTimeout,
                              maxBytes: FollowedMigration.maxWeightsBytes)
        if r.status == 304, held != nil {
            state.confirm(name, at: now)
            return nil
        }
        if r.status == 404 { return nil }  // deleted since the list; the next list says so
        if let e = Self.problem(r, url: url, expecting: [200]) { return e }
        var f: FollowedMigration
        do {
            f = try FollowedMigration.parse(name: name, body: r.body, etag: r.etag, cacheControl: r.cacheControl,
                                            followedAt: now)
        } catch {
            return error
        }
        if let held, f.revision < held.revision {
            return FollowError(kind: .backwards, message: "\(primary) served revision \(f.revision) of \(name) but "
                + "this standby followed revision \(held.revision); not following backwards (was the primary's "
                + "database replaced?)")
        }
        if let held, f.revision == held.revision, f.weightsBody == held.weightsBody {
            state.confirm(name, at: now)
            return nil
        }
        f.decisionsJSON = held?.decisionsJSON ?? ""
        var problem: FollowError?
        switch fetchDecisions(name) {
        case .success(let json): f.decisionsJSON = json
        case .failure(let e): problem = e
        case nil: break
        }
        state.install(f)
        if let held, held.baseline != f.baseline || held.candidate != f.candidate { metrics.forget(name) }
        metrics.publish(f)
        do { try store.saveFollowed(f) } catch {
            return FollowError(kind: .store, message: "the standby's store cannot keep \(name) at revision "
                + "\(f.revision): \(error); served from memory")
        }
        return problem
    }

    /// The decisions list as JSON text; nil when there is no token to read it with.
    func fetchDecisions(_ name: String) -> Result<String, FollowError>? {
        guard let token else { return nil }
        let url = primary + "/v1/migrations/" + Self.escape(name) + "/decisions?limit=\(Self.decisionsLimit)"
        let r = transport.get(url, headers: [("Authorization", "Bearer \(token)")], timeout: Self.requestTimeout,
                              maxBytes: FollowedMigration.maxDecisionsBytes)
        if let e = Self.problem(r, url: url, expecting: [200]) { return .failure(e) }
        guard let text = String(validating: r.body, as: UTF8.self),
              (try? JSONParser.parse(text, maxDepth: 16))?.elements != nil else {
            return .failure(FollowError(kind: .malformed, message: "GET \(url): the answer is not a JSON array"))
        }
        return .success(text)
    }

    /// What is wrong with an answer, if anything.
    static func problem(_ r: FollowResponse, url: String, expecting: Set<Int>) -> FollowError? {
        guard let status = r.status else {
            return FollowError(kind: .unreachable, message: "GET \(url): \(r.error ?? "no answer")")
        }
        if r.tooLarge {
            return FollowError(kind: .tooLarge, message: "GET \(url): the answer is larger than this standby "
                + "keeps; the previous state stays served")
        }
        guard expecting.contains(status) else {
            return FollowError(kind: .httpStatus, message: "GET \(url): answered HTTP \(status)")
        }
        return nil
    }

    /// A migration name as one path segment.
    static func escape(_ name: String) -> String {
        var out = ""
        for b in name.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
