import Foundation

/// Where the server reads the time (ms since the Unix epoch). The core never reads a clock; the shell
/// does, through this, so tests drive time by hand.
public protocol Clock: Sendable {
    func now() -> Int64
}

/// The wall clock.
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Int64 {
        var ts = timespec()
        // CLOCK_REALTIME cannot fail with a valid pointer; fall back to 0 rather than trap if it does.
        guard clock_gettime(CLOCK_REALTIME, &ts) == 0 else { return 0 }
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// A clock that only moves when told (tests, simulations).
public final class ManualClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Int64

    public init(_ start: Int64) { current = start }

    public func now() -> Int64 { lock.withLock { current } }

    public func set(_ ms: Int64) { lock.withLock { current = ms } }

    public func advance(milliseconds: Int64) { lock.withLock { current += milliseconds } }
}
