import GlidepathServer
import GlidepathSimulator

extension CommandLineArguments {
    /// `glidepath simulate` options: comma-separated lists for `--scenario` (ids, case-insensitive; `all`
    /// anywhere in the list means every scenario), `--rate`
    /// (positive decimals, req/s) and `--judge`; `--runs` a positive integer; `--seed` an unsigned 64-bit integer.
    static func simulateOptions(values: [String: String], json: Bool) throws(UsageError) -> SimulationOptions {
        var options = SimulationOptions(json: json)
        if let path = values["--policy"] {
            guard !path.isEmpty else { throw UsageError("simulate: --policy needs a policy file") }
            options.policyFile = path
        }
        if let text = values["--scenario"] {
            let ids = list(text)
            if !ids.contains(where: { $0.lowercased() == "all" }) {
                var chosen: [String] = []
                for id in ids {
                    guard let s = Scenario.named(id) else {
                        let known = Scenario.catalogue.map(\.id).joined(separator: ", ")
                        throw UsageError("simulate: unknown scenario \"\(id)\"; known: \(known), all")
                    }
                    chosen.append(s.id)
                }
                options.scenarios = chosen
            }
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
        if let text = values["--judge"] {
            var judges: [SimulatedJudge] = []
            for name in list(text) {
                guard let j = SimulatedJudge(rawValue: name) else {
                    throw UsageError("simulate: unknown judge \"\(name)\"; known: sequential, threshold, ztest")
                }
                if !judges.contains(j) { judges.append(j) }
            }
            options.judges = judges
        }
        return options
    }

    /// Items of a comma-separated list; an empty item stays (and fails validation with a clear message).
    private static func list(_ text: String) -> [String] {
        text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    /// A plain decimal above 0 (`100`, `0.1`): no sign, exponent, hex, `inf` or `nan`.
    private static func positiveDecimal(_ text: String) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              text.filter({ $0 == "." }).count <= 1, text != ".",
              let value = Double(text), value > 0, value.isFinite else { return nil }
        return value
    }
}
