import Foundation
import GlidepathCore
import HTTPServer

/// Everything `glidepath demo` runs, started and stopped together: the controller (temporary database),
/// the simulated providers, the two policies, the shim traffic. The command draws the watch view
/// around it; tests drive it directly.
package final class DemoStack: @unchecked Sendable {
    package let plan: DemoPlan
    package let controller: DemoController
    package let providers: [DemoProvider]
    package let traffic: DemoTraffic
    /// Monotonic seconds when the policies were applied.
    private let startedAt: Double
    private let lock = NSLock()
    private var reachedAfter: [String: Double] = [:]
    private var stopped = false

    /// Starts the controller on `host:port` (0: a free port), the providers on free loopback ports,
    /// applies the policies and starts the traffic. On failure, whatever was started is stopped and the
    /// temporary directory removed before the error is thrown. `parent`: where that directory is made.
    package init(plan: DemoPlan, host: String, port: UInt16, parent: String = NSTemporaryDirectory()) throws {
        self.plan = plan
        let controller = try DemoController(host: host, port: port, parent: parent)
        var providers: [DemoProvider] = []
        do {
            var urls: [String: String] = [:]
            for (i, behaviour) in plan.providers.enumerated() {
                let p = DemoProvider(behaviour: behaviour, seed: UInt64(i + 1) &* 0x9E37_79B9)
                providers.append(p)
                do { _ = try p.start() } catch { throw DemoError("cannot start the \(behaviour.name) provider: \(error)") }
                urls[behaviour.name] = p.baseURL
            }
            for m in plan.migrations { try controller.apply(policy: plan.policy(for: m), name: m.name) }
            traffic = try DemoTraffic(plan: plan, controllerURL: controller.url, providerURLs: urls)
        } catch {
            for p in providers { p.stop() }
            controller.stop()
            throw error
        }
        self.controller = controller
        self.providers = providers
        startedAt = DemoTraffic.seconds()
        traffic.start()
    }

    /// Seconds since the policies were applied.
    package var elapsed: Double { DemoTraffic.seconds() - startedAt }

    /// Each migration's state now.
    package func observed() -> [String: DemoOutcome.Observed] {
        var out: [String: DemoOutcome.Observed] = [:]
        for m in plan.migrations {
            if let e = controller.controller.entry(m.name) { out[m.name] = (e.status.phase, e.status.step, e.status.reason) }
        }
        return out
    }

    /// Where the demo stands; notes when each migration first reached a terminal state.
    package func check() -> DemoOutcome {
        let now = observed()
        let t = elapsed
        lock.withLock {
            for (name, o) in now where o.phase.isTerminal && reachedAfter[name] == nil { reachedAfter[name] = t }
        }
        return DemoOutcome.assess(plan, observed: now, elapsed: t)
    }

    /// The closing lines: each migration's outcome, when and why, and the traffic sent.
    package func summary() -> String {
        DemoReport.summary(plan, observed: observed(), reachedAfter: lock.withLock { reachedAfter },
                           sent: traffic.sent, fallbacks: traffic.fallbacks)
    }

    /// Stops the traffic (the shims deliver what they hold), the providers, then the controller, and removes
    /// the temporary directory. Safe to call more than once.
    package func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        traffic.stop()
        for p in providers { p.stop() }
        controller.stop()
    }
}
