import Dispatch
import Foundation

/// The thread that judges migrations: wakes every `period` (~250 ms) and runs a round at the time
/// source's reading. Each migration is only judged when its own policy interval has passed (on the
/// steady clock), so the wake-up period only bounds how late a tick can be. The wait itself is on the
/// monotonic clock: a wall-clock step neither stalls nor hurries the loop.
package final class ControlLoop: @unchecked Sendable {
    package let ticker: Ticker
    package let source: any MetricsSource
    package let time: any TimeSource
    package let period: Double

    private let wakeUp = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stopping = false
    private var started = false

    package init(controller: Controller, source: any MetricsSource, time: any TimeSource, period: Double = 0.25) {
        self.ticker = Ticker(controller: controller)
        self.source = source
        self.time = time
        self.period = period
    }

    package func start() {
        lock.withLock { started = true }
        let t = Thread { [self] in run() }
        t.name = "glidepath-control-loop"
        t.start()
    }

    /// Asks the loop to stop and waits for the round in progress to finish.
    package func stop() {
        let wasStarted = lock.withLock { () -> Bool in
            stopping = true
            return started
        }
        guard wasStarted else { return }
        wakeUp.signal()
        done.wait()
    }

    private func run() {
        while !lock.withLock({ stopping }) {
            ticker.round(at: time.read(), source: source)
            // DispatchTime is monotonic: a wall-clock step does not change how long this waits.
            _ = wakeUp.wait(timeout: .now() + period)
        }
        done.signal()
    }
}
