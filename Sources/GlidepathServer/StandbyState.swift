import Foundation
import GlidepathCore

/// What a standby serves: the migrations it followed, and how following goes. One lock, never held
/// across I/O (the event loop reads it on every weights poll).
package final class StandbyState: @unchecked Sendable {
    /// The primary's base URL (`http://10.0.0.5:8470`), as given to `--primary`.
    package let primary: String
    private let lock = NSLock()
    private var followed: [String: FollowedMigration] = [:]
    private var lastSuccessWall: Int64?
    private var unreachableSince: Int64?
    private var lastError: FollowError?
    private var roundsSucceeded = 0

    package init(primary: String, restored: [FollowedMigration] = []) {
        self.primary = primary
        for f in restored { followed[f.name] = f }
    }

    // MARK: Reads

    package func migration(_ name: String) -> FollowedMigration? { lock.withLock { followed[name] } }

    /// Every followed migration, ordered by name.
    package func all() -> [FollowedMigration] { lock.withLock { followed.values.sorted { $0.name < $1.name } } }

    package var names: Set<String> { lock.withLock { Set(followed.keys) } }

    /// A snapshot of how following goes.
    package var health: StandbyHealth {
        lock.withLock {
            StandbyHealth(primary: primary, following: lastError == nil && roundsSucceeded > 0,
                          lastSuccessWall: lastSuccessWall, unreachableSince: unreachableSince, lastError: lastError,
                          migrations: followed.count, hasState: !followed.isEmpty || roundsSucceeded > 0)
        }
    }

    // MARK: Writes (the follower's)

    package func install(_ f: FollowedMigration) { lock.withLock { followed[f.name] = f } }

    package func remove(_ name: String) { _ = lock.withLock { followed.removeValue(forKey: name) } }

    /// Marks `name` confirmed at `wall` (a 304).
    package func confirm(_ name: String, at wall: Int64) { lock.withLock { followed[name]?.followedAt = wall } }

    /// A round without errors; returns the error that just cleared (for one "following again" log line).
    package func succeeded(at wall: Int64) -> FollowError? {
        lock.withLock {
            let cleared = lastError
            lastError = nil
            unreachableSince = nil
            lastSuccessWall = wall
            roundsSucceeded += 1
            return cleared
        }
    }

    /// A round that ended in `error`; returns true when this is a new kind of trouble (log it once).
    package func failed(_ error: FollowError, at wall: Int64) -> Bool {
        lock.withLock {
            let new = lastError?.kind != error.kind
            if error.kind == .unreachable {
                if unreachableSince == nil { unreachableSince = wall }
            } else {
                unreachableSince = nil
            }
            lastError = error
            return new
        }
    }
}

/// How a standby's following goes, for status, readiness and metrics.
package struct StandbyHealth: Sendable, Equatable {
    package var primary: String
    /// True while the last round succeeded.
    package var following: Bool
    package var lastSuccessWall: Int64?
    /// Set while the primary gives no answer (wall ms since the Unix epoch).
    package var unreachableSince: Int64?
    package var lastError: FollowError?
    package var migrations: Int
    /// True once a round succeeded or followed migrations were restored from the store.
    package var hasState: Bool

    /// "primary unreachable since 2026-12-02T17:03:04Z (connection refused)", or nil while all is well.
    package var problem: String? {
        guard let e = lastError else { return nil }
        if let since = unreachableSince {
            return "primary \(primary) unreachable since \(ISOTime.format(milliseconds: since)) (\(e.message)); "
                + "serving the last weights followed"
        }
        return "following \(primary) failed: \(e.message); serving the last weights followed"
    }
}
