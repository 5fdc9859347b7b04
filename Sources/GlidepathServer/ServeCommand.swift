import Foundation
import GlidepathCore
import HTTPServer
import SQLiteStore

/// `glidepath serve`: opens the store, restores every migration, applies the policies directory, listens,
/// runs the control loop, and shuts down cleanly on SIGTERM/SIGINT.
package enum ServeCommand {
    /// Runs until a signal arrives; returns the process exit code.
    package static func run(_ config: ServeConfig) -> Int32 {
        Log.format = config.logFormat
        if let standby = config.standby { return StandbyCommand.run(config, standby) }
        // Block the signals before any thread starts so every thread inherits the mask and sigwait sees them.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        let maskResult = pthread_sigmask(SIG_BLOCK, &signals, nil)
        guard maskResult == 0 else {
            Log.error("cannot block SIGTERM/SIGINT (error \(maskResult))")
            return 1
        }
        signal(SIGPIPE, SIG_IGN)

        // Validate the policies directory before touching anything: a bad file stops start-up.
        let files: [PolicyFile]
        do { files = try PolicyFile.list(directory: config.policiesDirectory).map(PolicyFile.read) } catch {
            Log.error("policies: \(error)")
            return 1
        }
        let bad = files.flatMap(\.problemLines)
        if !bad.isEmpty {
            for line in bad { StandardStreams.writeError(line + "\n") }
            Log.error("refusing to start: \(bad.count) problem(s) in \(config.policiesDirectory)")
            return 1
        }

        let store: SQLiteMigrationStore
        do { store = try SQLiteMigrationStore(path: config.databasePath) } catch {
            Log.error("cannot open the store at \(config.databasePath): \(error)")
            return 1
        }
        let runtime = ControllerRuntime(config: config, store: store, time: SystemTimeSource())
        let controller = runtime.controller
        do {
            let n = try controller.load()
            Log.info("restored \(n) migration(s) from \(config.databasePath)")
            controller.applyPolicyFiles(files, directory: config.policiesDirectory, prune: config.prune)
        } catch {
            Log.error("start-up failed: \(error)")
            store.close()
            return 1
        }

        var httpConfig = HTTPServerConfig()
        httpConfig.host = config.host
        httpConfig.port = config.port
        let router = Router(controller: controller, auth: Authorizer(adminToken: config.adminToken, ingestToken: config.ingestToken))
        // The head check refuses unauthenticated or oversized bodies before they are read and sends the
        // handlers that write to the store to worker threads.
        let server = HTTPServer(config: httpConfig, headCheck: { router.head($0) }, handler: { router.handle($0) })
        let port: UInt16
        do { port = try server.start() } catch {
            Log.error("cannot listen on \(config.host):\(config.port): \(error)")
            store.close()
            return 1
        }
        runtime.start()
        Log.info("glidepath \(ServerMetrics.version) listening on \(config.host):\(port), "
            + "\(controller.allEntries().count) migration(s), db \(config.databasePath), "
            + "admin token \(config.adminToken == nil ? "off" : "on"), ingest token \(config.ingestToken == nil ? "off" : "on")")
        warnIfPlaintext(config)

        var received: Int32 = 0
        while sigwait(&signals, &received) != 0 {}
        Log.info("signal \(received): stopping the control loop, finishing in-flight requests")
        runtime.stopWork()
        server.shutdown()
        runtime.stopDelivery()
        store.close()
        Log.info("stopped")
        return 0
    }
}

extension ServeCommand {
    /// A non-loopback listener without TLS in front: a WARNING block on stderr (text logs) and a `server`
    /// event at level `warning` with the block's lines. JSON logs get the event only: a bare text line in a
    /// JSON-per-line stream breaks the pipelines (and `jq`) that read it.
    static func warnIfPlaintext(_ config: ServeConfig) {
        guard let lines = config.plaintextWarning else { return }
        if Log.enabled && Log.format == .text {
            let bar = String(repeating: "!", count: 100)
            StandardStreams.writeError(([bar] + lines + [bar]).joined(separator: "\n") + "\n")
        }
        Log.event(.server, .warning, "bearer tokens cross the network in plaintext: \(config.host):\(config.port) "
                  + "is not loopback and no TLS proxy is declared (--tls-terminated-by-proxy); see "
                  + ServeConfig.acrossTheNetworkSection,
                  [("warning", .string("plaintext_tokens")), ("listen", .string("\(config.host):\(config.port)")),
                   ("lines", .array(lines.map { .string($0) }))])
    }
}
