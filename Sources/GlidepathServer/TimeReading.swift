import GlidepathCore

/// One reading of the controller's two clocks, in milliseconds.
///
/// - `steady` measures durations: due ticks, bakes, `maxHold`, `noDataAfter`. It is monotonic while the
///   process runs and, across restarts, continues from the newest time the store recorded, so a wall-clock
///   step never skips or stretches a bake, and a restart continues a bake where it was (the downtime does
///   not count as bake time). Everything the core calls `now` is steady time.
/// - `wall` is for people: decision times, `updatedAt`, log lines.
package struct TimeReading: Sendable, Hashable {
    package var wall: Int64
    package var steady: Int64

    package init(wall: Int64, steady: Int64) {
        self.wall = wall
        self.steady = steady
    }

    /// A reading where both clocks agree (tests and the simulator).
    package init(_ milliseconds: Int64) {
        self.init(wall: milliseconds, steady: milliseconds)
    }

    /// The wall time at which steady time `steady` was (or will be) reached, for display.
    package func wall(atSteady steady: Int64) -> Int64 {
        wall.subtractingSaturating(self.steady.subtractingSaturating(steady))
    }
}
