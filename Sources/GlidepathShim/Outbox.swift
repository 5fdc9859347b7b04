/// The bounded buffer of observation lines waiting to be sent, with the breaker trips and fallbacks
/// not yet reported to the controller (they travel as headers of the next accepted batch).
///
/// Only the sender removes lines (from the front, after the controller took them); `record` only
/// appends, or counts a drop when full, so a batch in flight is never disturbed.
struct Outbox {
    let capacity: Int
    var lines: [String] = []
    /// Index of the first unsent line; the array is compacted when the sent prefix grows large.
    var head = 0
    var droppedTotal = 0
    var droppedUnreported = 0
    var tripsTotal = 0
    var tripsUnreported = 0
    var fallbacksTotal = 0
    var fallbacksUnreported = 0

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { lines.count - head }

    /// Appends `line`, or counts it as dropped when the buffer is full. Returns whether it was kept.
    mutating func append(_ line: String) -> Bool {
        guard count < capacity else {
            droppedTotal += 1
            droppedUnreported += 1
            return false
        }
        lines.append(line)
        return true
    }

    /// Up to `limit` lines from the front, not removed.
    func peek(_ limit: Int) -> ArraySlice<String> { lines[head..<min(lines.count, head + limit)] }

    mutating func removeFirst(_ n: Int) {
        head = min(lines.count, head + n)
        if head == lines.count {
            lines.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 4096 {
            lines.removeFirst(head)
            head = 0
        }
    }

    /// The controller accepts at most this many per header.
    static let maxReportedPerBatch = 1_000_000

    /// The trips and fallbacks the next batch reports (capped per header); subtract them once accepted.
    func pendingCounts() -> (trips: Int, fallbacks: Int) {
        (min(tripsUnreported, Self.maxReportedPerBatch), min(fallbacksUnreported, Self.maxReportedPerBatch))
    }

    mutating func reported(trips: Int, fallbacks: Int) {
        tripsUnreported -= trips
        fallbacksUnreported -= fallbacks
    }

    /// The drops not yet reported and the running total; resets the former.
    mutating func takeDropReport() -> (count: Int, total: Int)? {
        guard droppedUnreported > 0 else { return nil }
        defer { droppedUnreported = 0 }
        return (droppedUnreported, droppedTotal)
    }
}
