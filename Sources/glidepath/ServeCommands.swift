import GlidepathCLI
import GlidepathServer

/// `glidepath serve`.
enum ServeCommands {
    static func serve(listen: String?, db: String?, policies: String?, logFormat: String?,
                      lifecycle: ServeLifecycleOptions, tlsTerminatedByProxy: Bool = false,
                      environment: [String: String]) -> Int32 {
        let config: ServeConfig
        do { config = try ServeConfig.make(listen: listen, db: db, policies: policies, logFormat: logFormat,
                                          prune: lifecycle.prune, historyDays: lifecycle.historyDays,
                                          historyMaxDecisions: lifecycle.historyMaxDecisions,
                                          tlsTerminatedByProxy: tlsTerminatedByProxy,
                                          environment: environment) } catch {
            StandardStreams.writeError("glidepath serve: \(error.message)\n")
            return 1
        }
        return ServeCommand.run(config)
    }
}
