import GlidepathDemo
import Testing
@testable import GlidepathCLI

/// `glidepath demo [--listen HOST:PORT] [--speed X] [--keep]`.
@Suite struct DemoArgumentsTests {
    @Test(arguments: [
        (["demo"], DemoOptions()),
        (["demo", "--keep"], DemoOptions(keep: true)),
        (["demo", "--listen", "127.0.0.1:8480"], DemoOptions(host: "127.0.0.1", port: 8480)),
        (["demo", "--listen=:0", "--speed", "2"], DemoOptions(host: "127.0.0.1", port: 0, speed: 2)),
        (["demo", "--listen", "[::1]:9000", "--speed=0.5", "--keep"], DemoOptions(host: "::1", port: 9000, keep: true, speed: 0.5)),
        (["demo", "--listen", "localhost:0", "--speed", "4"], DemoOptions(host: "localhost", port: 0, speed: 4)),
    ])
    func parses(args: [String], expected: DemoOptions) throws {
        #expect(try CommandLineArguments.parse(args) == .demo(expected))
    }

    @Test(arguments: [
        (["demo", "--listen", "0.0.0.0:8470"], "demo: --listen must be a loopback address (127.0.0.1, ::1, localhost): "
            + "the demo's controller runs without tokens; got \"0.0.0.0:8470\""),
        (["demo", "--listen", "8470"], "demo: --listen must be HOST:PORT, got \"8470\""),
        (["demo", "--listen", "127.0.0.1:99999"], "demo: --listen port must be 0...65535, got \"99999\""),
        (["demo", "--speed", "10"], "demo: --speed must be a number from 0.5 to 4, like 2, got \"10\""),
        (["demo", "--speed", "0.1"], "demo: --speed must be a number from 0.5 to 4, like 2, got \"0.1\""),
        (["demo", "--speed", "nan"], "demo: --speed must be a number from 0.5 to 4, like 2, got \"nan\""),
        (["demo", "--speed", "1e0"], "demo: --speed must be a number from 0.5 to 4, like 2, got \"1e0\""),
        (["demo", "--speed"], "demo: --speed needs a value"),
        (["demo", "--keep=yes"], "demo: unknown option --keep=yes; run glidepath demo --help"),
        (["demo", "--db", "x.db"], "demo: unknown option --db; run glidepath demo --help"),
        (["demo", "now"], "demo: unexpected argument \"now\""),
    ])
    func rejects(args: [String], message: String) {
        #expect(throws: UsageError(message)) { try CommandLineArguments.parse(args) }
    }

    @Test func helpListsTheDemoAndExplainsItsOptions() throws {
        #expect(try CommandLineArguments.parse(["demo", "--help"]) == .help("demo"))
        #expect(HelpText.topLevel.contains("  demo [--listen HOST:PORT] [--speed X] [--keep]\n"))
        let text = HelpText.command("demo")
        #expect(text.hasPrefix("Usage: glidepath demo [--listen HOST:PORT] [--speed X] [--keep]\n"))
        for flag in ["--listen", "--speed", "--keep"] { #expect(text.contains("  \(flag)  ")) }
    }
}
