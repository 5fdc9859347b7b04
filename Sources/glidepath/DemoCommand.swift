import Foundation
import GlidepathCLI
import GlidepathDemo
import GlidepathServer
import Synchronization

/// `glidepath demo`: starts a `DemoStack` (controller on a temporary database, simulated providers, shim
/// traffic), draws the `status --watch` view of its controller every second until both migrations reached
/// their outcome (or one did not, or the timeout passed), prints how each ended, and stops everything.
/// SIGINT/SIGTERM stop it at any point, cleaning up the same way.
enum DemoCommand {
    static func run(_ options: DemoOptions) -> Int32 {
        // Block the signals before any thread starts so every thread inherits the mask; one thread waits for them.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        guard pthread_sigmask(SIG_BLOCK, &signals, nil) == 0 else {
            StandardStreams.writeError("glidepath demo: cannot block SIGINT/SIGTERM\n")
            return 1
        }
        let received = SignalFlag()
        let signalSet = signals
        let waiter = Thread {
            var set = signalSet
            var number: Int32 = 0
            while sigwait(&set, &number) != 0 {}
            received.number.store(number, ordering: .relaxed)
        }
        waiter.name = "glidepath-demo-signals"
        waiter.start()
        // The controller's log lines would tear the view apart; what matters shows in the view and the summary.
        Log.enabled = false

        let plan = DemoPlan(speed: options.speed)
        let stack: DemoStack
        do { stack = try DemoStack(plan: plan, host: options.host, port: options.port) } catch {
            StandardStreams.writeError("glidepath demo: \(error)\n")
            return 1
        }
        let url = stack.controller.url
        let tty = isatty(STDOUT_FILENO) == 1
        let intro = DemoReport.intro(plan, controllerURL: url, keep: options.keep)
        if !tty { StandardStreams.write(intro) }
        let client = AdminClient(server: url, environment: [:])
        var printer = WatchPrinter(tty: tty, server: url)

        var outcome = DemoOutcome.running
        while !received.arrived {
            let time = ISOTime.format(milliseconds: SystemTimeSource.realtime())
            printer.banner = intro + DemoReport.progress(plan, sent: stack.traffic.sent, elapsed: stack.elapsed) + "\n"
            do { StandardStreams.write(printer.render(try client.statuses(nil), at: time)) } catch {
                StandardStreams.write(printer.render(error: "\(error)", at: time))
            }
            outcome = stack.check()
            if outcome != .running { break }
            sleep(seconds: 1, unless: received)
        }

        var code: Int32
        switch outcome {
        case .reached:
            StandardStreams.write("\n" + stack.summary() + "glidepath demo: both migrations reached their outcome in "
                + "\(Int(stack.elapsed.rounded())) s\n")
            code = 0
        case .failed(let message):
            StandardStreams.write("\n" + stack.summary())
            StandardStreams.writeError("glidepath demo: \(message)\n")
            code = 1
        case .running:
            StandardStreams.write("\n" + stack.summary())
            StandardStreams.writeError("glidepath demo: interrupted after \(Int(stack.elapsed.rounded())) s; stopping\n")
            code = 130
        }
        if options.keep && !received.arrived {
            StandardStreams.write("--keep: the controller stays up at \(url)/ (status page) and \(url)/metrics, "
                + "with its traffic; Ctrl-C stops it\n")
            while !received.arrived { sleep(seconds: 1, unless: received) }
        }
        stack.stop()
        StandardStreams.write("glidepath demo: stopped the controller, providers and traffic; removed \(stack.controller.directory)\n")
        return code
    }

    /// Sleeps up to `seconds`, waking early once a signal arrived.
    private static func sleep(seconds: Double, unless received: SignalFlag) {
        let slices = Int(seconds / 0.05)
        for _ in 0..<slices where !received.arrived {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}

/// The signal the waiting thread received (0: none yet).
final class SignalFlag: Sendable {
    let number = Atomic<Int32>(0)
    var arrived: Bool { number.load(ordering: .relaxed) != 0 }
}
