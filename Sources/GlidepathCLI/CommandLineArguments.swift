import GlidepathServer
import GlidepathCore
import GlidepathSimulator
import GlidepathDemo

/// A parsed `glidepath` command line. Parsing is pure so tests can cover every usage error.
package enum Command: Equatable, Sendable {
    /// `--help`: the top-level text (nil) or a command's.
    case help(String?)
    case version
    case serve(listen: String?, db: String?, policies: String?, logFormat: String?, lifecycle: ServeLifecycleOptions = .init(),
               tlsTerminatedByProxy: Bool = false, latencyBuckets: String? = nil)
    /// `serve --standby --primary URL [--follow-interval DURATION]`: a read-only standby of a primary. The
    /// retention and latency-bucket flags are kept for the primary a promotion makes of it.
    case serveStandby(listen: String?, db: String?, policies: String?, logFormat: String?,
                      lifecycle: ServeLifecycleOptions = .init(), latencyBuckets: String? = nil, standby: StandbyFlags)
    /// `promote-standby [--server URL]`: makes the standby at `--server` a primary.
    case promoteStandby(server: String?)
    case apply(files: [String], server: String?, actor: String?)
    case lint(files: [String])
    case status(name: String?, json: Bool, server: String?)
    /// `status --watch [NAME] [--interval DURATION]`: the live view, redrawn every interval.
    case watch(name: String?, interval: TimeSpan, server: String?)
    case history(name: String, limit: Int?, json: Bool, server: String?, archived: Bool = false)
    /// `delete NAME [--reason TEXT]`: archive a promoted, rolled-back or paused migration.
    case delete(name: String, reason: String?, server: String?, actor: String?)
    case action(OperatorAction, name: String, reason: String?, server: String?, actor: String?)
    /// `set-weight NAME PERCENT --reason TEXT`: an operator hold below the current step's weight.
    case setWeight(name: String, weight: Weight, reason: String, server: String?, actor: String?)
    case bucket(migration: String, key: String)
    /// `bucket --vectors N`: the protocol's vectors plus N generated ones, as JSON.
    case bucketVectors(count: Int)
    case simulate(SimulationOptions)
    /// `demo [--listen HOST:PORT] [--speed X] [--keep]`: the self-contained demo.
    case demo(DemoOptions)
}

/// `serve`'s lifecycle flags: `--prune`, `--history-days N`, `--history-max-decisions N` (checked by
/// `ServeConfig.make`).
package struct ServeLifecycleOptions: Equatable, Sendable {
    package var prune = false
    package var historyDays: String?
    package var historyMaxDecisions: String?

    package init(prune: Bool = false, historyDays: String? = nil, historyMaxDecisions: String? = nil) {
        self.prune = prune
        self.historyDays = historyDays
        self.historyMaxDecisions = historyMaxDecisions
    }
}

/// `serve`'s standby flags, checked by `StandbyConfig.make` (which says what is missing).
package struct StandbyFlags: Equatable, Sendable {
    package var standby: Bool
    package var primary: String?
    package var followInterval: String?

    package init(standby: Bool, primary: String?, followInterval: String?) {
        self.standby = standby
        self.primary = primary
        self.followInterval = followInterval
    }
}

/// A command line that does not make sense (exit code 2), with the message to print.
package struct UsageError: Error, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// Parses `glidepath`'s arguments (without the program name). No argument-parser package: a small table.
package enum CommandLineArguments {
    struct Spec {
        var valueFlags: Set<String>
        var boolFlags: Set<String>
        var positional: ClosedRange<Int>
    }

    static let specs: [String: Spec] = {
        var s: [String: Spec] = [
            "serve": Spec(valueFlags: ["--listen", "--db", "--policies", "--log-format", "--history-days",
                                       "--history-max-decisions", "--primary", "--follow-interval",
                                       "--latency-buckets"], boolFlags: ["--prune", "--tls-terminated-by-proxy", "--standby"], positional: 0...0),
            "delete": Spec(valueFlags: ["--server", "--reason", "--actor"], boolFlags: [], positional: 1...1),
            "promote-standby": Spec(valueFlags: ["--server"], boolFlags: [], positional: 0...0),
            "apply": Spec(valueFlags: ["--server", "--actor"], boolFlags: [], positional: 1...Int.max),
            "lint": Spec(valueFlags: [], boolFlags: [], positional: 1...Int.max),
            "status": Spec(valueFlags: ["--server", "--interval"], boolFlags: ["--json", "--watch"], positional: 0...1),
            "history": Spec(valueFlags: ["--server", "--limit"], boolFlags: ["--json", "--archived"], positional: 1...1),
            "bucket": Spec(valueFlags: ["--migration", "--key", "--vectors"], boolFlags: [], positional: 0...0),
            "version": Spec(valueFlags: [], boolFlags: [], positional: 0...0),
            "simulate": Spec(valueFlags: ["--scenario", "--rate", "--runs", "--seed", "--judge", "--policy", "--horizon",
                                           "--traffic", "--replay", "--start"], boolFlags: ["--json"],
                             positional: 0...0),
            "demo": Spec(valueFlags: ["--listen", "--speed"], boolFlags: ["--keep"], positional: 0...0),
        ]
        for a in OperatorAction.allCases {
            s[a.rawValue] = Spec(valueFlags: ["--server", "--reason", "--actor"], boolFlags: [],
                                 positional: a == .setWeight ? 2...2 : 1...1)
        }
        return s
    }()

    package static func parse(_ args: [String]) throws(UsageError) -> Command {
        guard let first = args.first else { throw UsageError("missing command; run glidepath --help") }
        if first == "--help" || first == "-h" || first == "help" {
            if args.count > 1, specs[args[1]] != nil { return .help(args[1]) }
            return .help(nil)
        }
        if first == "--version" { return .version }
        guard let spec = specs[first] else { throw UsageError("unknown command \"\(first)\"; run glidepath --help") }

        var values: [String: String] = [:]
        var flags: Set<String> = []
        var positional: [String] = []
        var i = 1
        var onlyPositional = false
        while i < args.count {
            let a = args[i]
            i += 1
            if onlyPositional || !a.hasPrefix("-") || a == "-" { positional.append(a); continue }
            if a == "--" { onlyPositional = true; continue }
            if a == "--help" || a == "-h" { return .help(first) }
            var name = a
            var inline: String?
            if let eq = a.firstIndex(of: "=") {
                name = String(a[..<eq])
                inline = String(a[a.index(after: eq)...])
            }
            if spec.valueFlags.contains(name) {
                if let inline { values[name] = inline; continue }
                guard i < args.count else { throw UsageError("\(first): \(name) needs a value") }
                values[name] = args[i]
                i += 1
            } else if spec.boolFlags.contains(name), inline == nil {
                flags.insert(name)
            } else {
                throw UsageError("\(first): unknown option \(a); run glidepath \(first) --help")
            }
        }
        guard spec.positional.contains(positional.count) else {
            if positional.count < spec.positional.lowerBound {
                throw UsageError("\(first): missing \(argumentName(first)); run glidepath \(first) --help")
            }
            throw UsageError("\(first): unexpected argument \"\(positional[spec.positional.upperBound])\"")
        }
        return try build(first, values: values, flags: flags, positional: positional)
    }

    static func argumentName(_ command: String) -> String {
        switch command {
        case "apply", "lint": "policy file(s)"
        case "set-weight": "migration name and weight (percent)"
        default: "migration name"
        }
    }

    private static func build(_ command: String, values: [String: String], flags: Set<String>,
                              positional: [String]) throws(UsageError) -> Command {
        let server = values["--server"]
        switch command {
        case "serve" where flags.contains("--standby") || values["--primary"] != nil || values["--follow-interval"] != nil:
            if flags.contains("--prune") {
                throw UsageError("serve: --prune does not go with --standby (a promotion applies --policies without pruning)")
            }
            return .serveStandby(listen: values["--listen"], db: values["--db"], policies: values["--policies"],
                                 logFormat: values["--log-format"],
                                 lifecycle: ServeLifecycleOptions(historyDays: values["--history-days"],
                                                                  historyMaxDecisions: values["--history-max-decisions"]),
                                 latencyBuckets: values["--latency-buckets"],
                                 standby: StandbyFlags(standby: flags.contains("--standby"), primary: values["--primary"],
                                                       followInterval: values["--follow-interval"]))
        case "promote-standby": return .promoteStandby(server: server)
        case "serve": return .serve(listen: values["--listen"], db: values["--db"], policies: values["--policies"],
                                    logFormat: values["--log-format"],
                                    lifecycle: ServeLifecycleOptions(prune: flags.contains("--prune"),
                                                                     historyDays: values["--history-days"],
                                                                     historyMaxDecisions: values["--history-max-decisions"]),
                                    tlsTerminatedByProxy: flags.contains("--tls-terminated-by-proxy"),
                                    latencyBuckets: values["--latency-buckets"])
        case "delete": return .delete(name: positional[0], reason: values["--reason"], server: server, actor: values["--actor"])
        case "apply": return .apply(files: positional, server: server, actor: values["--actor"])
        case "lint": return .lint(files: positional)
        case "status":
            guard flags.contains("--watch") else {
                if values["--interval"] != nil { throw UsageError("status: --interval goes with --watch") }
                return .status(name: positional.first, json: flags.contains("--json"), server: server)
            }
            if flags.contains("--json") { throw UsageError("status: --watch draws for people; use --json without it") }
            var interval = TimeSpan.seconds(2)
            if let text = values["--interval"] {
                guard let span = try? TimeSpan(parsing: text), span >= .seconds(1), span <= .hours(1) else {
                    throw UsageError("status: --interval must be a duration from 1s to 1h, like 2s, got \"\(text)\"")
                }
                interval = span
            }
            return .watch(name: positional.first, interval: interval, server: server)
        case "history":
            var limit: Int?
            if let text = values["--limit"] {
                guard let n = Int(text), n >= 1 else { throw UsageError("history: --limit must be a positive integer, got \"\(text)\"") }
                limit = n
            }
            return .history(name: positional[0], limit: limit, json: flags.contains("--json"), server: server,
                            archived: flags.contains("--archived"))
        case "bucket":
            if let text = values["--vectors"] {
                guard values["--migration"] == nil, values["--key"] == nil else {
                    throw UsageError("bucket: --vectors cannot be combined with --migration or --key")
                }
                guard let n = Int(text), n >= 0 else { throw UsageError("bucket: --vectors must be a non-negative integer, got \"\(text)\"") }
                return .bucketVectors(count: n)
            }
            guard let m = values["--migration"] else { throw UsageError("bucket: missing --migration") }
            guard let k = values["--key"] else { throw UsageError("bucket: missing --key") }
            return .bucket(migration: m, key: k)
        case "version": return .version
        case "simulate": return .simulate(try simulateOptions(values: values, json: flags.contains("--json")))
        case "demo": return .demo(try demoOptions(values: values, keep: flags.contains("--keep")))
        case "set-weight":
            guard let weight = Weight(percentText: positional[1]) else {
                throw UsageError("set-weight: the weight must be a percentage from 0 to 100 with at most two "
                    + "decimals, like 2.5, got \"\(positional[1])\"")
            }
            guard let reason = values["--reason"], !reason.allSatisfy(\.isWhitespace) else {
                throw UsageError("set-weight: --reason is required (why the exposure is lowered, for the audit log)")
            }
            return .setWeight(name: positional[0], weight: weight, reason: reason, server: server,
                              actor: values["--actor"])
        default:
            guard let action = OperatorAction(rawValue: command) else { throw UsageError("unknown command \"\(command)\"") }
            return .action(action, name: positional[0], reason: values["--reason"], server: server, actor: values["--actor"])
        }
    }
}
