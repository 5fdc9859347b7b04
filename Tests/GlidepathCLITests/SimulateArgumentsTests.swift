import GlidepathCLI
import GlidepathServer
import GlidepathSimulator
import Testing

@Suite struct SimulateArgumentsTests {
    @Test(arguments: [
        (["simulate"], SimulationOptions()),
        (["simulate", "--scenario", "all", "--json"], SimulationOptions(json: true)),
        (["simulate", "--scenario", "S1,all"], SimulationOptions()),
        (["simulate", "--scenario", "s1,S3b", "--rate", "1,0.1", "--runs", "50", "--seed", "9"],
         SimulationOptions(scenarios: ["S1", "S3b"], rates: [1, 0.1], runs: 50, seed: 9)),
        (["simulate", "--judge=ztest,threshold,ztest"], SimulationOptions(judges: [.ztest, .threshold])),
        (["simulate", "--policy", "policies/x.json"], SimulationOptions(policyFile: "policies/x.json")),
    ])
    func parses(args: [String], expected: SimulationOptions) throws {
        #expect(try CommandLineArguments.parse(args) == .simulate(expected))
    }

    @Test(arguments: [
        (["simulate", "--scenario", "S9"],
         "simulate: unknown scenario \"S9\"; known: S1, S2, S2b, S3, S3b, S4, S4b, S5, S6, S6b, all"),
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
        for option in ["--scenario", "--rate", "--runs", "--seed", "--judge", "--policy", "--json"] {
            #expect(text.contains(option))
        }
        #expect(HelpText.topLevel.contains("simulate"))
    }
}
