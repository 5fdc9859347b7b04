import GlidepathCLI
import GlidepathServer

/// `glidepath serve`.
enum ServeCommands {
    static func serve(listen: String?, db: String?, policies: String?, logFormat: String?,
                      lifecycle: ServeLifecycleOptions = .init(), tlsTerminatedByProxy: Bool = false,
                      latencyBuckets: String? = nil,
                      standby: StandbyFlags? = nil, environment: [String: String]) -> Int32 {
        var config: ServeConfig
        do {
            config = try ServeConfig.make(listen: listen, db: db, policies: policies, logFormat: logFormat,
                                          prune: lifecycle.prune, historyDays: lifecycle.historyDays,
                                          historyMaxDecisions: lifecycle.historyMaxDecisions,
                                          tlsTerminatedByProxy: tlsTerminatedByProxy, latencyBuckets: latencyBuckets,
                                          environment: environment)
            if let standby {
                config.standby = try StandbyConfig.make(standby: standby.standby, primary: standby.primary,
                                                        followInterval: standby.followInterval, environment: environment)
            }
        } catch {
            StandardStreams.writeError("glidepath serve: \(error.message)\n")
            return 1
        }
        return ServeCommand.run(config)
    }
}
