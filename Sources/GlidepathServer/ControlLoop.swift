import Foundation

/// The thread that judges migrations: wakes every `period` (~250 ms), and runs a round at the clock's time.
/// Each migration is only judged when its own policy interval has passed, so the wake-up period only
/// bounds how late a tick can be.
public final class ControlLoop: @unchecked Sendable {
    public let controller: Controller
    public let source: any MetricsSource
    public let clock: any Clock
    public let period: Double

    private let condition = NSCondition()
    private var stopping = false
    private var finished = false
    private var thread: Thread?

    public init(controller: Controller, source: any MetricsSource, clock: any Clock, period: Double = 0.25) {
        self.controller = controller
        self.source = source
        self.clock = clock
        self.period = period
    }

    public func start() {
        let t = Thread { [self] in run() }
        t.name = "glidepath-control-loop"
        thread = t
        t.start()
    }

    /// Asks the loop to stop and waits for the round in progress to finish.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while thread != nil && !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            if stopping { finished = true; condition.broadcast(); condition.unlock(); return }
            condition.unlock()
            controller.runOnce(now: clock.now(), source: source)
            condition.lock()
            if !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: period)) }
            condition.unlock()
        }
    }
}
