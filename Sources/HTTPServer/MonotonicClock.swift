import Glibc

/// Milliseconds on the monotonic clock, for timeouts (never for wall time).
package enum MonotonicClock {
    package static func nowMs() -> Int64 {
        var ts = timespec()
        // CLOCK_MONOTONIC cannot fail on Linux; a zero reading would only make timeouts fire late.
        guard clock_gettime(CLOCK_MONOTONIC, &ts) == 0 else { return 0 }
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
