import Dispatch
import Foundation

/// The thread that judges migrations: wakes every `period` (100 ms) and runs a round at the time
/// source's reading. Each migration is only judged when the steady clock crosses a line of its own grid
/// (its interval, shifted by a hash of its name: `Ticker.spread`), so the wake-up period only bounds how
/// late a tick can be, and 1,000 migrations on a 10 s interval cost about 10 per round, not 1,000 in one. The wait itself is on the
/// monotonic clock: a wall-clock step neither stalls nor hurries the loop.
package final class ControlLoop: @unchecked Sendable {
    package let ticker: Ticker
    package let source: any MetricsSource
    package let time: any TimeSource
    package let period: Double

    private let worker: WorkerThread

    package init(controller: Controller, source: any MetricsSource, time: any TimeSource, period: Double = 0.1,
                 spread: Bool = true) {
        let ticker = Ticker(controller: controller, spread: spread)
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
