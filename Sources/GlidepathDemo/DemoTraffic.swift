import Foundation
import GlidepathShim
import GlidepathSimulator
import HTTPServer
import Synchronization

/// The demo's application traffic: per migration, a few `GlidepathShim` instances (polling the controller,
/// reporting outcomes in batches) shared by worker threads. Each worker sends its share of the rate: it
/// picks a sticky key (`tenant-N`), asks the shim for the arm, calls that provider over HTTP, records the
/// status and the measured latency, and — like an application with `fallbackToBaseline` — retries a
/// failed candidate call once on the baseline.
package final class DemoTraffic: @unchecked Sendable {
    /// Requests sent to one provider and how many of them failed (no answer, 429 or 5xx).
    package struct Tally: Equatable, Sendable {
        package var requests = 0
        package var errors = 0
        package init(requests: Int = 0, errors: Int = 0) {
            self.requests = requests
            self.errors = errors
        }
    }

    let plan: DemoPlan
    private let shims: [String: [GlidepathShim]]
    private let providerURLs: [String: String]
    private let tallies = Mutex<[String: Tally]>([:])
    private let fallbackCount = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchGroup()
    private let lock = NSLock()
    private var started = false

    static let body = Array(#"{"model": "demo", "messages": [{"role": "user", "content": "hello"}]}"#.utf8)

    /// `providerURLs` maps each arm name to its provider's base URL.
    package init(plan: DemoPlan, controllerURL: String, providerURLs: [String: String]) throws {
        self.plan = plan
        self.providerURLs = providerURLs
        guard let server = URL(string: controllerURL) else { throw DemoError("bad controller URL \(controllerURL)") }
        var shims: [String: [GlidepathShim]] = [:]
        for m in plan.migrations {
            shims[m.name] = try (0..<plan.shimsPerMigration).map { i in
                do {
                    return try GlidepathShim(configuration: .init(
                        server: server, migration: m.name, baseline: m.baseline.name, candidate: m.candidate.name,
                        shimID: "demo-\(m.name)-\(i + 1)", fallbackToBaseline: true, batchInterval: 0.25))
                } catch {
                    throw DemoError("cannot make the shim for \(m.name): \(error)")
                }
            }
        }
        self.shims = shims
    }

    /// Starts the shims and the worker threads. Calling it twice does nothing more.
    package func start() {
        let first = lock.withLock { () -> Bool in
            defer { started = true }
            return !started
        }
        guard first else { return }
        for list in shims.values { for s in list { s.start() } }
        let perWorker = plan.requestsPerSecond / Double(plan.workersPerMigration)
        for (mi, m) in plan.migrations.enumerated() {
            let list = shims[m.name] ?? []
            for w in 0..<plan.workersPerMigration {
                let shim = list[w % list.count]
                let seed = UInt64(mi * 1000 + w + 1)
                finished.enter()
                let thread = Thread { [self] in
                    work(shim: shim, rate: perWorker, seed: seed)
                    finished.leave()
                }
                thread.name = "glidepath-demo-\(m.name)-\(w)"
                thread.start()
            }
        }
    }

    /// Stops the workers (each finishes its request in flight), then stops every shim, which delivers
    /// what it still holds. Safe to call more than once.
    package func stop() {
        stopping.store(true, ordering: .relaxed)
        finished.wait()
        let all = shims.values.flatMap { $0 }
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            for s in all { await s.stop() }
            done.signal()
        }
        done.wait()
    }

    /// Requests sent so far, per provider name.
    package var sent: [String: Tally] { tallies.withLock { $0 } }

    /// Failed candidate calls answered by the baseline instead, so far.
    package var fallbacks: Int { fallbackCount.load(ordering: .relaxed) }

    /// Lines the shims dropped (buffer full) so far: 0 unless the controller stopped answering.
    package var droppedLines: Int { shims.values.flatMap { $0 }.reduce(0) { $0 + $1.droppedLines } }

    /// One worker: `rate` requests per second, paced on the monotonic clock; a backlog of more than a
    /// second (a slow provider) is dropped rather than sent in a burst.
    private func work(shim: GlidepathShim, rate: Double, seed: UInt64) {
        var random = Xoshiro256(seed: seed)
        let period = 1 / rate
        var next = Self.seconds() + random.uniform() * period
        while !stopping.load(ordering: .relaxed) {
            let now = Self.seconds()
            if next > now {
                usleep(useconds_t(min(0.2, next - now) * 1_000_000))
                continue
            }
            next = now - next > 1 ? now + period : next + period
            let key = "tenant-\(random.next() % UInt64(plan.keys))"
            let arm = shim.route(key: key)
            let status = call(arm, shim: shim)
            if shim.shouldRetryOnBaseline(arm: arm, status: status) {
                fallbackCount.add(1, ordering: .relaxed)
                _ = call(shim.baselineArm, shim: shim)
            }
        }
    }

    /// Seconds on the monotonic clock.
    static func seconds() -> Double { Double(MonotonicClock.nowMs()) / 1000 }

    /// One timed call of `arm`'s provider, recorded in the shim and the tallies; returns the status (0: no answer).
    private func call(_ arm: String, shim: GlidepathShim) -> Int {
        let clock = ContinuousClock()
        let started = clock.now
        var status = 0
        if let base = providerURLs[arm] {
            let response = try? HTTPClient.send(method: "POST", url: base + "/v1/chat/completions",
                                                headers: [("Content-Type", "application/json")], body: Self.body, timeout: 5)
            status = response?.status ?? 0
        }
        shim.record(arm: arm, status: status, latency: started.duration(to: clock.now))
        let failed = status == 0 || status == 429 || status >= 500
        tallies.withLock { t in
            t[arm, default: Tally()].requests += 1
            if failed { t[arm, default: Tally()].errors += 1 }
        }
        return status
    }
}
