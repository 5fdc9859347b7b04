import Foundation
import GlidepathCLI
import GlidepathCore
import GlidepathServer
import GlidepathSimulator

/// `glidepath simulate`: the benchmark of the judges on simulated traffic, a traffic profile of the
/// user's (`--traffic`), or the replay of a recorded log (`--replay`).
enum SimulateCommand {
    /// Largest traffic profile read: 1 MiB (24 multipliers and 1,000 changes fit many times over).
    static let maximumProfileBytes = 1 << 20

    static func run(_ options: SimulationOptions) -> Int32 {
        var options = options
        if let path = options.policyFile {
            let file = PolicyFile.read(path)
            switch file.result {
            case .success(let policy):
                options.policy = policy
            case .failure:
                for line in file.problemLines { StandardStreams.writeError(line + "\n") }
                return 1
            }
        }
        if let path = options.replayFile { return ReplayCommand.run(path: path, options: options) }
        if let path = options.trafficFile {
            guard let profile = readProfile(path) else { return 1 }
            options.profile = profile
        }
        if options.start == nil { options.start = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
        let rows = Simulator.run(options, zones: ResolvedZones(SystemTimeZones(), policy: options.policy))
        if options.json {
            StandardStreams.write(SimulationReport.json(rows))
        } else {
            if let policy = options.policy, let path = options.policyFile {
                StandardStreams.write(SimulationReport.policyLine(policy, file: path) + "\n")
                if let line = calendarLine(policy, start: options.start) { StandardStreams.write(line + "\n") }
            }
            StandardStreams.write(SimulationReport.table(rows, scenarios: Scenario.catalogue + (options.profile.map { [$0] } ?? [])))
        }
        return 0
    }

    /// `calendar: runs start at 2026-12-07T02:00:00.000Z (--start); advances only in schedule windows
    /// (Asia/Bangkok) and after steps' notBefore`, for a policy with a calendar; nil otherwise.
    static func calendarLine(_ policy: Policy, start: Int64?) -> String? {
        let notBefore = policy.steps.contains { $0.notBefore != nil }
        guard let start, policy.schedule != nil || notBefore else { return nil }
        var rules: [String] = []
        if let s = policy.schedule { rules.append("in schedule windows (\(s.timezone))") }
        if notBefore { rules.append("after steps' notBefore") }
        return "calendar: runs start at \(ISOTime.format(milliseconds: start)) (--start); advances only "
            + rules.joined(separator: " and ")
    }

    /// The profile at `path` as a scenario named after the file (`traffic-profile` for
    /// `scripts/examples/traffic-profile.json`); problems go to stderr as `file:line: path: message`.
    static func readProfile(_ path: String) -> Scenario? {
        func fail(_ message: String) -> Scenario? {
            StandardStreams.writeError(PolicyFile.format(file: path, problem: PolicyProblem(path: "", message: message)) + "\n")
            return nil
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int else { return fail("cannot read the file") }
        guard size <= maximumProfileBytes else { return fail("the file is larger than 1 MiB (\(size) bytes)") }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return fail("cannot read the file as UTF-8 text")
        }
        var name = (path as NSString).lastPathComponent
        if name.hasSuffix(".json") { name.removeLast(5) }
        switch TrafficProfileParser.parse(text, id: name.isEmpty ? "profile" : name) {
        case .success(let scenario):
            return scenario
        case .failure(let error):
            for p in error.problems { StandardStreams.writeError(PolicyFile.format(file: path, problem: p) + "\n") }
            if let more = error.moreSentence { StandardStreams.writeError("\(path): \(more)\n") }
            return nil
        }
    }
}

/// The policy's zone resolved once (the simulator asks at every calendar check of thousands of runs).
struct ResolvedZones: TimeZoneResolver {
    let name: String?
    let rules: (any TimeZoneRules)?

    init(_ system: SystemTimeZones, policy: Policy?) {
        name = policy?.schedule?.timezone
        rules = name.flatMap { system.rules(named: $0) }
    }

    func rules(named other: String) -> (any TimeZoneRules)? { other == name ? rules : nil }
}
