import Foundation
import GlidepathCore
import GlidepathServer
import HTTPServer
import SQLiteStore

/// The demo's controller: the same pieces `glidepath serve` runs — the SQLite store, `Controller`, the
/// API `Router` on `HTTPServer`, the `ControlLoop` reading its own metrics — on a database in a fresh
/// temporary directory, without tokens (so it only listens on loopback). `stop()` removes the directory.
package final class DemoController: @unchecked Sendable {
    /// The temporary directory holding the database.
    package let directory: String
    package let controller: Controller
    /// The bound port (a free one when asked for 0).
    package let port: UInt16
    /// `http://HOST:PORT`.
    package let url: String
    private let store: SQLiteMigrationStore
    private let server: HTTPServer
    private let loop: ControlLoop
    private let lock = NSLock()
    private var stopped = false

    /// Creates the directory (in `parent`, the system's temporary directory by default) and the store,
    /// listens on `host:port`, starts the control loop. On failure everything already made is undone.
    package init(host: String, port: UInt16, parent: String = NSTemporaryDirectory()) throws {
        let dir = (parent as NSString).appendingPathComponent("glidepath-demo-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false) } catch {
            throw DemoError("cannot create a temporary directory at \(dir): \(error.localizedDescription)")
        }
        let store: SQLiteMigrationStore
        do { store = try SQLiteMigrationStore(path: dir + "/glidepath.db") } catch {
            try? FileManager.default.removeItem(atPath: dir)
            throw DemoError("cannot open a database in \(dir): \(error)")
        }
        let time = SystemTimeSource()
        let controller = Controller(store: store, time: time)
        var config = HTTPServerConfig()
        config.host = host
        config.port = port
        let router = Router(controller: controller, auth: Authorizer(adminToken: nil, ingestToken: nil))
        let server = HTTPServer(config: config, headCheck: { router.head($0) }, handler: { router.handle($0) })
        do { self.port = try server.start() } catch {
            store.close()
            try? FileManager.default.removeItem(atPath: dir)
            throw DemoError("cannot listen on \(Self.hostPort(host, port)): \(error)")
        }
        directory = dir
        self.controller = controller
        self.store = store
        self.server = server
        url = "http://" + Self.hostPort(host, self.port)
        loop = ControlLoop(controller: controller, source: SelfMetricsSource(registry: controller.metrics.registry), time: time)
        loop.start()
    }

    /// Applies a policy as `PUT /v1/migrations/{name}` would.
    package func apply(policy: String, name: String) throws {
        do { _ = try controller.apply(policySource: policy, name: name) } catch {
            throw DemoError("the demo policy for \(name) was refused: \(error.message)")
        }
    }

    /// The migration's state and the reason of its last change, as the controller holds them now.
    package func phase(of name: String) -> (phase: Phase, reason: String)? {
        controller.entry(name).map { ($0.status.phase, $0.status.reason) }
    }

    /// Stops the loop, finishes in-flight requests, closes the store, removes the directory. Idempotent.
    package func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        loop.stop()
        server.shutdown()
        store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `127.0.0.1:8470`, `[::1]:8470`.
    static func hostPort(_ host: String, _ port: UInt16) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Why the demo could not run or did not reach its outcome.
package struct DemoError: Error, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
