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

    private let worker: WorkerThread

    package init(controller: Controller, source: any MetricsSource, time: any TimeSource, period: Double = 0.25) {
        let ticker = Ticker(controller: controller)
        self.ticker = ticker
        self.source = source
        self.time = time
        self.period = period
        worker = WorkerThread(name: "glidepath-control-loop", period: period) { _ in
            ticker.round(at: time.read(), source: source)
            return false
        }
    }

    package func start() { worker.start() }

    /// Asks the loop to stop and waits for the round in progress to finish.
    package func stop() { worker.stop() }
}
