import Synchronization

/// Lock-free answer counts for the weights endpoint (200, 304, 404; anything else under a small lock),
/// drained into the registry at scrape time so the hot path takes no registry lock.
final class HotCounters: Sendable {
    private let ok = Atomic<Int>(0)
    private let notModified = Atomic<Int>(0)
    private let notFound = Atomic<Int>(0)
    private let other = Mutex<[Int: Int]>([:])

    @inline(__always)
    func count(_ code: Int) {
        switch code {
        case 200: ok.wrappingAdd(1, ordering: .relaxed)
        case 304: notModified.wrappingAdd(1, ordering: .relaxed)
        case 404: notFound.wrappingAdd(1, ordering: .relaxed)
        default: other.withLock { $0[code, default: 0] += 1 }
        }
    }

    /// The counts since the last drain, by code, reset to zero.
    func drain() -> [(Int, Int)] {
        var out: [(Int, Int)] = [
            (200, ok.exchange(0, ordering: .relaxed)),
            (304, notModified.exchange(0, ordering: .relaxed)),
            (404, notFound.exchange(0, ordering: .relaxed)),
        ]
        let rest: [Int: Int] = other.withLock { o in
            let copy = o
            o = [:]
            return copy
        }
        out += rest.map { ($0.key, $0.value) }
        return out.filter { $0.1 > 0 }.sorted { $0.0 < $1.0 }
    }
}
