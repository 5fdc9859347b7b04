import Dispatch
import Synchronization

/// A few serial queues that run blocking handlers off the event loops, with a bound on queued work.
final class WorkerPool: Sendable {
    private let queues: [DispatchQueue]
    private let next = Atomic<Int>(0)
    private let queued = Atomic<Int>(0)
    let maxQueued: Int

    init(threads: Int, maxQueued: Int) {
        queues = (0..<max(1, threads)).map { DispatchQueue(label: "glidepath.http.worker.\($0)") }
        self.maxQueued = max(1, maxQueued)
    }

    /// Work waiting or running right now.
    var count: Int { queued.load(ordering: .relaxed) }

    /// Runs `work` on a worker; false (and nothing runs) when `maxQueued` jobs are already waiting.
    func submit(_ work: @escaping @Sendable () -> Void) -> Bool {
        if queued.wrappingAdd(1, ordering: .relaxed).newValue > maxQueued {
            queued.subtract(1, ordering: .relaxed)
            return false
        }
        let n = next.wrappingAdd(1, ordering: .relaxed).oldValue
        queues[Int(UInt(bitPattern: n) % UInt(queues.count))].async {
            work()
            self.queued.subtract(1, ordering: .relaxed)
        }
        return true
    }

    /// Waits until every job submitted so far has finished.
    func drain() {
        for q in queues { q.sync {} }
    }
}
