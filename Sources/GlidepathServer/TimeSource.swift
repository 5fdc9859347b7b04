import Foundation
import GlidepathCore
import HTTPServer

/// Where the controller reads the time. The core never reads a clock; the shell does, through this, so
/// tests drive both clocks by hand (and step them apart).
package protocol TimeSource: Sendable {
    func read() -> TimeReading
    /// Makes steady time continue from exactly `steady`: called once after loading the store with the
    /// newest steady time it recorded, so durations carry on across restarts (the downtime, and any wall
    /// clock step meanwhile, count for nothing).
    func resume(notBefore steady: Int64)
}

/// The machine's clocks: `CLOCK_REALTIME` for wall time, `CLOCK_MONOTONIC` plus an offset for steady time.
///
/// Before `resume`, steady time starts equal to the wall time (a fresh database). `resume` sets the offset
/// so that steady time continues exactly from the stored value, whatever the wall clock says now.
package final class SystemTimeSource: TimeSource, @unchecked Sendable {
    private let lock = NSLock()
    private var offset: Int64

    package init() {
        offset = Self.realtime() &- Self.monotonic()
    }

    package func read() -> TimeReading {
        let mono = Self.monotonic()
        return TimeReading(wall: Self.realtime(), steady: lock.withLock { mono &+ offset })
    }

    package func resume(notBefore steady: Int64) {
        lock.withLock { offset = steady &- Self.monotonic() }
    }

    /// Milliseconds since the Unix epoch (0 if the clock cannot be read, which a valid pointer rules out).
    package static func realtime() -> Int64 { read(CLOCK_REALTIME) }

    /// Milliseconds on the monotonic clock (arbitrary origin).
    package static func monotonic() -> Int64 { MonotonicClock.nowMs() }

    /// Seconds on the monotonic clock, for measuring how long something took.
    package static func monotonicSeconds() -> Double {
        var ts = timespec()
        guard clock_gettime(CLOCK_MONOTONIC, &ts) == 0 else { return 0 }
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private static func read(_ id: clockid_t) -> Int64 {
        var ts = timespec()
        guard clock_gettime(id, &ts) == 0 else { return 0 }
        return Int64(ts.tv_sec).multipliedSaturating(by: 1000).addingSaturating(Int64(ts.tv_nsec) / 1_000_000)
    }
}

/// Clocks that only move when told (tests). `advance` moves both; `stepWall` moves only the wall clock,
/// as an NTP step or an operator's `date -s` would.
package final class ManualTimeSource: TimeSource, @unchecked Sendable {
    private let lock = NSLock()
    private var current: TimeReading

    package init(_ start: Int64) { current = TimeReading(start) }

    package func read() -> TimeReading { lock.withLock { current } }

    /// The steady time (what the control loop judges by).
    package func now() -> Int64 { lock.withLock { current.steady } }

    package func resume(notBefore steady: Int64) {
        lock.withLock { current.steady = steady }
    }

    package func advance(milliseconds: Int64) {
        lock.withLock {
            current.wall += milliseconds
            current.steady += milliseconds
        }
    }

    package func stepWall(milliseconds: Int64) { lock.withLock { current.wall += milliseconds } }
}
