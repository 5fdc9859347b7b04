import GlidepathCLI
import GlidepathCore
import GlidepathServer
import GlidepathSimulator
import Testing

@Suite struct SimulateArgumentsTests {
    @Test(arguments: [
        (["simulate"], SimulationOptions()),
        (["simulate", "--json"], SimulationOptions(json: true)),
        (["simulate", "--scenario", "all", "--json"], SimulationOptions(scenarios: Scenario.catalogue.map(\.id), json: true)),
        (["simulate", "--scenario", "S1,all"], SimulationOptions(scenarios: Scenario.catalogue.map(\.id))),
        (["simulate", "--scenario", "s7,S7A"], SimulationOptions(scenarios: ["S7", "S7a"])),
        (["simulate", "--scenario", "s1,S3b", "--rate", "1,0.1", "--runs", "50", "--seed", "9"],
         SimulationOptions(scenarios: ["S1", "S3b"], rates: [1, 0.1], runs: 50, seed: 9)),
        (["simulate", "--judge=ztest,threshold,ztest"], SimulationOptions(judges: [.ztest, .threshold])),
        (["simulate", "--policy", "policies/x.json"], SimulationOptions(policyFile: "policies/x.json")),
        (["simulate", "--horizon", "7d"], SimulationOptions(horizon: .days(7))),
        (["simulate", "--horizon=1d12h", "--scenario", "S1"], SimulationOptions(scenarios: ["S1"], horizon: .hours(36))),
        (["simulate", "--horizon", "1m"], SimulationOptions(horizon: .minutes(1))),
        (["simulate", "--horizon", "30d"], SimulationOptions(horizon: .days(30))),
        (["simulate", "--traffic", "p.json", "--runs", "20", "--horizon", "12h", "--judge", "threshold"],
         SimulationOptions(runs: 20, judges: [.threshold], horizon: .hours(12), trafficFile: "p.json")),
        (["simulate", "--replay", "x.log", "--policy", "p.json", "--judge", "sequential", "--json"],
         SimulationOptions(judges: [.sequential], json: true, policyFile: "p.json", replayFile: "x.log")),
    ])
    func parses(args: [String], expected: SimulationOptions) throws {
        #expect(try CommandLineArguments.parse(args) == .simulate(expected))
    }

    @Test func startIsAnRFC3339Time() throws {
        var expected = SimulationOptions(horizon: .days(7))
        expected.start = 1_797_213_600_000
        #expect(try CommandLineArguments.parse(["simulate", "--start", "2026-12-14T09:00:00+07:00", "--horizon", "1w"])
                == .simulate(expected))
        #expect(throws: UsageError("simulate: --start must be an RFC 3339 time with an offset, like "
                                   + "2026-12-07T09:00:00+07:00, got \"monday\"")) {
            try CommandLineArguments.parse(["simulate", "--start", "monday"])
        }
    }

    @Test(arguments: [
        (["simulate", "--scenario", "S9"],
         "simulate: unknown scenario \"S9\"; known: S1, S2, S2b, S3, S3b, S4, S4b, S5, S6, S6b, S7, S7a, all"),
        (["simulate", "--horizon", "2 h"], "simulate: --horizon: unexpected character \" \" in \"2 h\""),
        (["simulate", "--horizon", "2hours"], "simulate: --horizon: unknown unit \"hours\" in \"2hours\"; did you mean \"h\"?"),
        (["simulate", "--horizon", "1.5h"],
         "simulate: --horizon: fractions are not allowed in \"1.5h\"; combine units instead, like \"1h30m\""),
        (["simulate", "--horizon", "59s"], "simulate: --horizon must be from 1m to 30d, got \"59s\""),
        (["simulate", "--horizon", "31d"], "simulate: --horizon must be from 1m to 30d, got \"31d\""),
        (["simulate", "--traffic", "p.json", "--rate", "10"], "simulate: --rate does not apply with --traffic"),
        (["simulate", "--traffic", "p.json", "--scenario", "S1"], "simulate: --scenario does not apply with --traffic"),
        (["simulate", "--replay", "x.log", "--runs", "3"], "simulate: --runs does not apply with --replay"),
        (["simulate", "--replay", "x.log", "--traffic", "p.json"], "simulate: --traffic does not apply with --replay"),
        (["simulate", "--replay", "x.log", "--judge", "sequential,threshold"],
         "simulate: --replay takes one --judge, got \"sequential,threshold\""),
        (["simulate", "--traffic="], "simulate: --traffic needs a traffic profile (JSON)"),
        (["simulate", "--replay", ""], "simulate: --replay needs a log file"),
        (["simulate", "--rate", "0"], "simulate: --rate takes positive numbers of requests per second, got \"0\""),
        (["simulate", "--rate", "1e3"], "simulate: --rate takes positive numbers of requests per second, got \"1e3\""),
        (["simulate", "--rate", "10,"], "simulate: --rate takes positive numbers of requests per second, got \"\""),
        (["simulate", "--runs", "0"], "simulate: --runs must be a positive integer, got \"0\""),
        (["simulate", "--seed", "-1"],
         "simulate: --seed must be an integer from 0 to 18446744073709551615, got \"-1\""),
        (["simulate", "--judge", "flagger"], "simulate: unknown judge \"flagger\"; known: sequential, threshold, ztest"),
        (["simulate", "--runs"], "simulate: --runs needs a value"),
        (["simulate", "--fast"], "simulate: unknown option --fast; run glidepath simulate --help"),
        (["simulate", "S1"], "simulate: unexpected argument \"S1\""),
        (["simulate", "--policy="], "simulate: --policy needs a policy file"),
    ])
    func usageErrors(args: [String], message: String) {
        #expect(throws: UsageError(message)) { try CommandLineArguments.parse(args) }
    }

    @Test func helpMentionsEveryOption() throws {
        #expect(try CommandLineArguments.parse(["simulate", "--help"]) == .help("simulate"))
        let text = HelpText.command("simulate")
        for option in ["--scenario", "--rate", "--runs", "--seed", "--judge", "--policy", "--horizon", "--traffic",
                       "--replay", "--json", "S7a"] {
            #expect(text.contains(option))
        }
        #expect(HelpText.topLevel.contains("simulate"))
    }
}
