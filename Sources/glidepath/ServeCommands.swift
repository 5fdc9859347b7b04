import GlidepathCLI
import GlidepathServer

/// `glidepath serve`.
enum ServeCommands {
    static func serve(listen: String?, db: String?, policies: String?, logFormat: String?, latencyBuckets: String?,
                      environment: [String: String]) -> Int32 {
        let config: ServeConfig
        do { config = try ServeConfig.make(listen: listen, db: db, policies: policies, logFormat: logFormat,
                                          latencyBuckets: latencyBuckets, environment: environment) } catch {
            StandardStreams.writeError("glidepath serve: \(error.message)\n")
            return 1
        }
        return ServeCommand.run(config)
    }
}
