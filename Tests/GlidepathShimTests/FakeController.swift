import Foundation
import GlidepathShim
import Synchronization

/// An in-memory controller for the shim: answers by a replaceable handler and keeps every request.
final class FakeController: ShimTransport {
    struct Unreachable: Error, CustomStringConvertible {
        var description: String { "connection refused" }
    }

    private let state = Mutex<(handler: @Sendable (ShimRequest) throws -> ShimResponse, requests: [ShimRequest])>(
        ({ _ in throw Unreachable() }, []))

    init(_ handler: @escaping @Sendable (ShimRequest) throws -> ShimResponse = { _ in throw Unreachable() }) {
        state.withLock { $0.handler = handler }
    }

    func answer(_ handler: @escaping @Sendable (ShimRequest) throws -> ShimResponse) { state.withLock { $0.handler = handler } }

    var requests: [ShimRequest] { state.withLock { $0.requests } }

    /// The bodies of the observation batches received, split into lines.
    var batches: [[String]] {
        requests.filter { $0.method == "POST" }.map { String(decoding: $0.body, as: UTF8.self).split(separator: "\n").map(String.init) }
    }

    func send(_ request: ShimRequest) async throws -> ShimResponse {
        let handler = state.withLock { s in
            s.requests.append(request)
            return s.handler
        }
        return try handler(request)
    }

    /// A weights document as the controller renders it; `members` is appended after `pollAfterSeconds`
    /// (e.g. `"errorStatuses":[0,401,"5xx"],"breaker":{...}`; empty renders an older controller's document).
    static func weights(revision: Int, candidate: Double, baselineName: String = "openai", candidateName: String = "holysheep",
                        migration: String = "chat-completions", pollAfter: Int = 5, members: String = "") -> ShimResponse {
        let body = #"{"migration":"\#(migration)","revision":\#(revision),"state":"ramping","step":0,"#
            + #""baseline":"\#(baselineName)","candidate":"\#(candidateName)","#
            + #""weights":{"\#(baselineName)":\#(100 - candidate),"\#(candidateName)":\#(candidate)},"pollAfterSeconds":\#(pollAfter)"#
            + (members.isEmpty ? "" : "," + members) + "}"
        return ShimResponse(status: 200, headers: ["ETag": "\"\(revision)\""], body: Data(body.utf8))
    }

    static func raw(_ status: Int, _ body: String = "") -> ShimResponse { ShimResponse(status: status, body: Data(body.utf8)) }
}

/// A monotonic clock the test moves by hand (`Configuration.clock`).
final class ManualClock: Sendable {
    private let elapsed = Mutex<Duration>(.seconds(1000))
    var now: Duration { elapsed.withLock { $0 } }
    func advance(_ d: Duration) { elapsed.withLock { $0 += d } }
    var read: @Sendable () -> Duration { { [self] in now } }
}

/// Collects the shim's events.
final class EventLog: Sendable {
    private let events = Mutex<[ShimEvent]>([])
    var all: [ShimEvent] { events.withLock { $0 } }
    var sink: @Sendable (ShimEvent) -> Void { { [self] e in events.withLock { $0.append(e) } } }
}

/// A shim on the fake controller with test-friendly defaults.
func makeShim(_ fake: FakeController, events: EventLog = EventLog(), configure: (inout GlidepathShim.Configuration) -> Void = { _ in })
    throws -> GlidepathShim {
    var c = GlidepathShim.Configuration(server: URL(string: "http://controller.test:8470")!, migration: "chat-completions",
                                        ingestToken: "ing", baseline: "openai", candidate: "holysheep", shimID: "test-shim",
                                        onEvent: events.sink, transport: fake)
    configure(&c)
    return try GlidepathShim(configuration: c)
}

/// Waits (up to `timeout` s) for `condition`, polling every 10 ms. Generous: under `swift test` the shim's
/// background tasks share the cooperative pool (2 threads on a 2-core machine) with every test of the run;
/// their wake-ups queue behind the other suites' jobs and behind tests that block a thread (live servers,
/// 5–10 s timeouts), which on a loaded CI machine delayed them past 30 s (two CI runs at d0c2c96 and after;
/// the whole run takes about a minute). The tests assert what happens, not how fast.
func eventually(timeout: Double = 120, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(timeout)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
