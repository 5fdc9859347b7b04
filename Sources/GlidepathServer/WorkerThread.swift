import Dispatch
import Foundation

/// A named thread that runs `pass` over and over until stopped. Between passes it waits `period` seconds
/// on the monotonic clock (a wall-clock step neither stalls nor hurries it), or not at all when `pass`
/// returns true (more work is waiting). `wake()` cuts a wait short; `stop()` waits for the pass in progress.
package final class WorkerThread: @unchecked Sendable {
    package let name: String
    package let period: Double
    private let pass: @Sendable (WorkerThread) -> Bool
    private let wakeUp = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stopping = false
    private var started = false

    /// `pass` gets the thread, so a long pass can check `isStopping` between items.
    package init(name: String, period: Double, pass: @escaping @Sendable (WorkerThread) -> Bool) {
        self.name = name
        self.period = period
        self.pass = pass
    }

    /// Starts the thread; at most once.
    package func start() {
        let first = lock.withLock { () -> Bool in
            defer { started = true }
            return !started && !stopping
        }
        guard first else { return }
        let t = Thread { [self] in run() }
        t.name = name
        t.start()
    }

    /// Asks the thread to stop and waits for the pass in progress; returns at once if it never started.
    package func stop() {
        let wasRunning = lock.withLock { () -> Bool in
            defer { stopping = true }
            return started && !stopping
        }
        guard wasRunning else { return }
        wakeUp.signal()
        done.wait()
    }

    /// Ends the current wait now (new work arrived).
    package func wake() { wakeUp.signal() }

    package var isStopping: Bool { lock.withLock { stopping } }

    private func run() {
        while !isStopping {
            if pass(self) { continue }
            _ = wakeUp.wait(timeout: .now() + period)
        }
        done.signal()
    }
}
