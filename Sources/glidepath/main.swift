import Foundation
import GlidepathCLI
import GlidepathServer

// Exit codes: 0 success, 1 failure, 2 usage error. Messages go to stderr, results to stdout.
let environment = ProcessInfo.processInfo.environment
let command: Command
do {
    command = try CommandLineArguments.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    StandardStreams.writeError("glidepath: \(error.message)\n")
    exit(2)
}

let code: Int32
switch command {
case .help(nil): StandardStreams.write(HelpText.topLevel); code = 0
case .help(let name?): StandardStreams.write(HelpText.command(name)); code = 0
case .version: StandardStreams.write("glidepath \(ServerMetrics.version)\n"); code = 0
case .serve(let listen, let db, let policies, let logFormat, let lifecycle, let tlsTerminatedByProxy, let latencyBuckets):
    code = ServeCommands.serve(listen: listen, db: db, policies: policies, logFormat: logFormat, lifecycle: lifecycle,
                               tlsTerminatedByProxy: tlsTerminatedByProxy, latencyBuckets: latencyBuckets,
                               environment: environment)
case .serveStandby(let listen, let db, let policies, let logFormat, let lifecycle, let latencyBuckets, let standby):
    code = ServeCommands.serve(listen: listen, db: db, policies: policies, logFormat: logFormat, lifecycle: lifecycle,
                               latencyBuckets: latencyBuckets, standby: standby, environment: environment)
case .promoteStandby(let server):
    code = ClientCommands.promoteStandby(client: AdminClient(server: server, environment: environment))
case .lint(let files): code = LocalCommands.lint(files)
case .bucket(let migration, let key): code = LocalCommands.bucket(migration: migration, key: key)
case .bucketVectors(let count): code = LocalCommands.bucketVectors(count: count)
case .simulate(let options): code = SimulateCommand.run(options)
case .demo(let options): code = DemoCommand.run(options)
case .apply(let files, let server, let actor):
    code = ClientCommands.apply(files, client: AdminClient(server: server, environment: environment, actor: actor,
                                                           hostname: AdminClient.localHostname()))
case .status(let name, let json, let server):
    code = ClientCommands.status(name, json: json, client: AdminClient(server: server, environment: environment))
case .watch(let name, let interval, let server):
    code = WatchCommand.run(name, interval: interval, client: AdminClient(server: server, environment: environment))
case .history(let name, let limit, let json, let server, let archived):
    let client = AdminClient(server: server, environment: environment)
    code = archived ? ClientCommands.archivedHistory(name, limit: limit, json: json, client: client)
                    : ClientCommands.history(name, limit: limit, json: json, client: client)
case .delete(let name, let reason, let server, let actor):
    code = ClientCommands.delete(name, reason: reason,
                                 client: AdminClient(server: server, environment: environment, actor: actor,
                                                     hostname: AdminClient.localHostname()))
case .action(let action, let name, let reason, let server, let actor):
    code = ClientCommands.act(action, name, reason: reason,
                              client: AdminClient(server: server, environment: environment, actor: actor,
                                                  hostname: AdminClient.localHostname()))
case .setWeight(let name, let weight, let reason, let server, let actor):
    code = ClientCommands.act(.setWeight, name, reason: reason, weight: weight,
                              client: AdminClient(server: server, environment: environment, actor: actor,
                                                  hostname: AdminClient.localHostname()))
}
exit(code)
