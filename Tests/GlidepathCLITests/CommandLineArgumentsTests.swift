import GlidepathCore
import Testing
@testable import GlidepathCLI
import GlidepathServer

@Suite struct CommandLineArgumentsTests {
    @Test(arguments: [
        ([], "missing command; run glidepath --help"),
        (["frobnicate"], "unknown command \"frobnicate\"; run glidepath --help"),
        (["serve", "--port", "1"], "serve: unknown option --port; run glidepath serve --help"),
        (["serve", "--listen"], "serve: --listen needs a value"),
        (["serve", "extra"], "serve: unexpected argument \"extra\""),
        (["apply"], "apply: missing policy file(s); run glidepath apply --help"),
        (["lint"], "lint: missing policy file(s); run glidepath lint --help"),
        (["history"], "history: missing migration name; run glidepath history --help"),
        (["delete"], "delete: missing migration name; run glidepath delete --help"),
        (["delete", "a", "b"], "delete: unexpected argument \"b\""),
        (["serve", "--prune=yes"], "serve: unknown option --prune=yes; run glidepath serve --help"),
        (["serve", "--standby", "--primary", "http://p", "--prune"],
         "serve: --prune does not go with --standby (a promotion applies --policies without pruning)"),
        (["history", "m", "--limit", "0"], "history: --limit must be a positive integer, got \"0\""),
        (["pause"], "pause: missing migration name; run glidepath pause --help"),
        (["pause", "a", "b"], "pause: unexpected argument \"b\""),
        (["status", "--json=yes"], "status: unknown option --json=yes; run glidepath status --help"),
        (["status", "--interval", "5s"], "status: --interval goes with --watch"),
        (["status", "--watch", "--json"], "status: --watch draws for people; use --json without it"),
        (["status", "--watch", "--interval", "500ms"], "status: --interval must be a duration from 1s to 1h, like 2s, got \"500ms\""),
        (["status", "--watch", "--interval", "2h"], "status: --interval must be a duration from 1s to 1h, like 2s, got \"2h\""),
        (["status", "--watch", "--interval", "fast"], "status: --interval must be a duration from 1s to 1h, like 2s, got \"fast\""),
        (["bucket", "--key", "k"], "bucket: missing --migration"),
        (["set-weight", "m"], "set-weight: missing migration name and weight (percent); run glidepath set-weight --help"),
        (["set-weight", "m", "2.5"], "set-weight: --reason is required (why the exposure is lowered, for the audit log)"),
        (["set-weight", "m", "2.5", "--reason", "  "], "set-weight: --reason is required (why the exposure is lowered, for the audit log)"),
        (["set-weight", "m", "2.555", "--reason", "x"], "set-weight: the weight must be a percentage from 0 to 100 with at most two decimals, like 2.5, got \"2.555\""),
        (["set-weight", "m", "half", "--reason", "x"], "set-weight: the weight must be a percentage from 0 to 100 with at most two decimals, like 2.5, got \"half\""),
        (["set-weight", "m", "101", "--reason", "x"], "set-weight: the weight must be a percentage from 0 to 100 with at most two decimals, like 2.5, got \"101\""),
        (["set-weight", "m", "5%", "--reason", "x"], "set-weight: the weight must be a percentage from 0 to 100 with at most two decimals, like 2.5, got \"5%\""),
        (["back", "a", "b"], "back: unexpected argument \"b\""),
    ])
    func usageErrors(args: [String], message: String) {
        #expect(throws: UsageError(message)) { try CommandLineArguments.parse(args) }
    }

    @Test(arguments: [
        (["--help"], Command.help(nil)),
        (["-h"], Command.help(nil)),
        (["status", "-h"], Command.help("status")),
        (["help", "serve"], Command.help("serve")),
        (["version"], Command.version),
        (["serve"], Command.serve(listen: nil, db: nil, policies: nil, logFormat: nil)),
        (["serve", "--log-format", "json"], Command.serve(listen: nil, db: nil, policies: nil, logFormat: "json")),
        (["serve", "--listen", "0.0.0.0:8470", "--tls-terminated-by-proxy"],
         Command.serve(listen: "0.0.0.0:8470", db: nil, policies: nil, logFormat: nil, tlsTerminatedByProxy: true)),
        (["serve", "--listen", "127.0.0.1:0", "--db=/tmp/g.db", "--policies", "p"],
         Command.serve(listen: "127.0.0.1:0", db: "/tmp/g.db", policies: "p", logFormat: nil)),
        (["serve", "--standby", "--primary", "http://p:8470", "--follow-interval", "250ms", "--db", "s.db"],
         Command.serveStandby(listen: nil, db: "s.db", policies: nil, logFormat: nil,
                              standby: StandbyFlags(standby: true, primary: "http://p:8470", followInterval: "250ms"))),
        (["serve", "--standby", "--primary", "http://p:8470", "--history-days", "7", "--history-max-decisions", "50",
          "--latency-buckets", "coarse"],
         Command.serveStandby(listen: nil, db: nil, policies: nil, logFormat: nil,
                              lifecycle: ServeLifecycleOptions(historyDays: "7", historyMaxDecisions: "50"),
                              latencyBuckets: "coarse",
                              standby: StandbyFlags(standby: true, primary: "http://p:8470", followInterval: nil))),
        (["serve", "--primary", "http://p:8470"],
         Command.serveStandby(listen: nil, db: nil, policies: nil, logFormat: nil,
                              standby: StandbyFlags(standby: false, primary: "http://p:8470", followInterval: nil))),
        (["promote-standby"], Command.promoteStandby(server: nil)),
        (["promote-standby", "--server", "http://s:8470"], Command.promoteStandby(server: "http://s:8470")),
        (["apply", "a.json", "b.json", "--server", "http://h:1"], Command.apply(files: ["a.json", "b.json"], server: "http://h:1", actor: nil)),
        (["apply", "a.json", "--actor", "alice@laptop"], Command.apply(files: ["a.json"], server: nil, actor: "alice@laptop")),
        (["lint", "a.json"], Command.lint(files: ["a.json"])),
        (["status"], Command.status(name: nil, json: false, server: nil)),
        (["status", "m", "--json"], Command.status(name: "m", json: true, server: nil)),
        (["status", "--watch"], Command.watch(name: nil, interval: .seconds(2), server: nil)),
        (["status", "m", "--watch", "--interval", "10s", "--server", "http://h:1"],
         Command.watch(name: "m", interval: .seconds(10), server: "http://h:1")),
        (["history", "m", "--limit", "5", "--json"], Command.history(name: "m", limit: 5, json: true, server: nil)),
        (["history", "m", "--archived"], Command.history(name: "m", limit: nil, json: false, server: nil, archived: true)),
        (["delete", "m", "--reason", "done", "--actor", "bob@ops"],
         Command.delete(name: "m", reason: "done", server: nil, actor: "bob@ops")),
        (["serve", "--prune", "--history-days", "30", "--history-max-decisions=500"],
         Command.serve(listen: nil, db: nil, policies: nil, logFormat: nil,
                       lifecycle: ServeLifecycleOptions(prune: true, historyDays: "30", historyMaxDecisions: "500"))),
        (["rollback", "m", "--reason", "bad p99"], Command.action(.rollback, name: "m", reason: "bad p99", server: nil, actor: nil)),
        (["pause", "m", "--actor", "bob@ops"], Command.action(.pause, name: "m", reason: nil, server: nil, actor: "bob@ops")),
        (["restart", "m"], Command.action(.restart, name: "m", reason: nil, server: nil, actor: nil)),
        (["back", "m", "--reason", "p99"], Command.action(.back, name: "m", reason: "p99", server: nil, actor: nil)),
        (["set-weight", "m", "12.5", "--reason", "vendor incident", "--actor", "bob@ops"],
         Command.setWeight(name: "m", weight: Weight(basisPoints: 1_250), reason: "vendor incident", server: nil, actor: "bob@ops")),
        (["set-weight", "m", "0", "--reason=stop"],
         Command.setWeight(name: "m", weight: .zero, reason: "stop", server: nil, actor: nil)),
        (["help", "set-weight"], Command.help("set-weight")),
        (["bucket", "--migration", "chat-completions", "--key", "merchant-42"],
         Command.bucket(migration: "chat-completions", key: "merchant-42")),
        (["lint", "--", "-odd.json"], Command.lint(files: ["-odd.json"])),
    ])
    func parses(args: [String], expected: Command) throws {
        #expect(try CommandLineArguments.parse(args) == expected)
    }

    @Test func clientServerResolution() {
        #expect(AdminClient(server: nil, environment: [:]).server == "http://127.0.0.1:8470")
        #expect(AdminClient(server: nil, environment: ["GLIDEPATH_SERVER": "http://x:1/"]).server == "http://x:1")
        let c = AdminClient(server: "http://y:2", environment: ["GLIDEPATH_SERVER": "http://x:1", "GLIDEPATH_ADMIN_TOKEN": "t"])
        #expect(c.server == "http://y:2" && c.token == "t")
    }
}

/// `glidepath bucket --vectors N` (writes the cross-language vectors file).
@Suite struct BucketVectorsArgumentsTests {
    @Test(arguments: [
        (["bucket", "--vectors", "5000"], Command.bucketVectors(count: 5000)),
        (["bucket", "--vectors=0"], Command.bucketVectors(count: 0)),
    ])
    func vectorsOptionParses(args: [String], expected: Command) throws {
        #expect(try CommandLineArguments.parse(args) == expected)
    }

    @Test(arguments: [
        (["bucket", "--vectors", "-1"], "bucket: --vectors must be a non-negative integer, got \"-1\""),
        (["bucket", "--vectors", "x"], "bucket: --vectors must be a non-negative integer, got \"x\""),
        (["bucket", "--vectors", "3", "--key", "k"], "bucket: --vectors cannot be combined with --migration or --key"),
    ])
    func vectorsOptionRejects(args: [String], message: String) {
        #expect(throws: UsageError(message)) { try CommandLineArguments.parse(args) }
    }
}
