import GlidepathCore
import GlidepathServer
import GlidepathSimulator

extension CommandLineArguments {
    /// `glidepath simulate` options: comma-separated lists for `--scenario` (ids, case-insensitive; `all`
    /// anywhere in the list means every scenario, the ones outside the default suite included), `--rate`
    /// (positive decimals, req/s) and `--judge`; `--runs` a positive integer; `--seed` an unsigned 64-bit
    /// integer; `--horizon` a duration (`36h`, `7d`) from 1 minute to 30 days.
    /// `--traffic FILE` replaces the built-in scenarios (so `--scenario` and `--rate` do not apply);
    /// `--replay FILE` replays a log instead of simulating (only `--policy`, one `--judge` and `--json` apply).
    static func simulateOptions(values: [String: String], json: Bool) throws(UsageError) -> SimulationOptions {
        var options = SimulationOptions(json: json)
        options.policyFile = try file(values, "--policy", "a policy file")
        options.trafficFile = try file(values, "--traffic", "a traffic profile (JSON)")
        options.replayFile = try file(values, "--replay", "a log file")
        if options.trafficFile != nil || options.replayFile != nil {
            let mode = options.replayFile != nil ? "--replay" : "--traffic"
            let excluded = options.replayFile != nil
                ? ["--traffic", "--scenario", "--rate", "--runs", "--seed", "--horizon"] : ["--scenario", "--rate"]
            if let other = excluded.first(where: { values[$0] != nil }) {
                throw UsageError("simulate: \(other) does not apply with \(mode)")
            }
        }
        if let text = values["--scenario"] {
            let ids = list(text)
            var chosen: [String] = []
            for id in ids where id.lowercased() != "all" {
                guard let s = Scenario.named(id) else {
                    let known = Scenario.catalogue.map(\.id).joined(separator: ", ")
                    throw UsageError("simulate: unknown scenario \"\(id)\"; known: \(known), all")
                }
                chosen.append(s.id)
            }
            options.scenarios = ids.contains(where: { $0.lowercased() == "all" }) ? Scenario.catalogue.map(\.id) : chosen
        }
        if let text = values["--rate"] {
            var rates: [Double] = []
            for item in list(text) {
                guard let r = positiveDecimal(item) else {
                    throw UsageError("simulate: --rate takes positive numbers of requests per second, got \"\(item)\"")
                }
                rates.append(r)
            }
            options.rates = rates
        }
        if let text = values["--runs"] {
            guard let n = Int(text), n >= 1 else {
                throw UsageError("simulate: --runs must be a positive integer, got \"\(text)\"")
            }
            options.runs = n
        }
        if let text = values["--seed"] {
            guard let n = UInt64(text) else {
                throw UsageError("simulate: --seed must be an integer from 0 to 18446744073709551615, got \"\(text)\"")
            }
            options.seed = n
        }
        if let text = values["--horizon"] { options.horizon = try horizon(text) }
        if let text = values["--start"] {
            guard let wall = CivilTime.parseRFC3339(text) else {
                throw UsageError("simulate: --start must be an RFC 3339 time with an offset, like "
                    + "2026-12-07T09:00:00+07:00, got \"\(text)\"")
            }
            options.start = wall
        }
        if let text = values["--judge"] {
            var judges: [SimulatedJudge] = []
            for name in list(text) {
                guard let j = SimulatedJudge(rawValue: name) else {
                    throw UsageError("simulate: unknown judge \"\(name)\"; known: sequential, threshold, ztest")
                }
                if !judges.contains(j) { judges.append(j) }
            }
            if options.replayFile != nil, judges.count != 1 {
                throw UsageError("simulate: --replay takes one --judge, got \"\(text)\"")
            }
            options.judges = judges
        }
        return options
    }

    /// `--horizon`: the project's duration syntax, 1 minute to 30 days.
    static func horizon(_ text: String) throws(UsageError) -> TimeSpan {
        let span: TimeSpan
        do {
            span = try TimeSpan(parsing: text)
        } catch {
            throw UsageError("simulate: --horizon: \(error.message)")
        }
        guard span >= SimulationOptions.minimumHorizon, span <= SimulationOptions.maximumHorizon else {
            throw UsageError("simulate: --horizon must be from \(SimulationOptions.minimumHorizon) to "
                             + "\(SimulationOptions.maximumHorizon), got \"\(text)\"")
        }
        return span
    }

    /// The value of a file option, if given; an empty one is a usage error.
    private static func file(_ values: [String: String], _ flag: String,
                             _ what: String) throws(UsageError) -> String? {
        guard let path = values[flag] else { return nil }
        guard !path.isEmpty else { throw UsageError("simulate: \(flag) needs \(what)") }
        return path
    }

    /// Items of a comma-separated list; an empty item stays (and fails validation with a clear message).
    private static func list(_ text: String) -> [String] {
        text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    /// A plain decimal above 0 (`100`, `0.1`): no sign, exponent, hex, `inf` or `nan`.
    static func positiveDecimal(_ text: String) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              text.filter({ $0 == "." }).count <= 1, text != ".",
              let value = Double(text), value > 0, value.isFinite else { return nil }
        return value
    }
}
