import GlidepathCLI
import GlidepathServer
import GlidepathSimulator

/// `glidepath simulate`: the benchmark of the judges on simulated traffic.
enum SimulateCommand {
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
        let rows = Simulator.run(options)
        if options.json {
            StandardStreams.write(SimulationReport.json(rows))
        } else {
            if let policy = options.policy, let path = options.policyFile {
                StandardStreams.write(SimulationReport.policyLine(policy, file: path) + "\n")
            }
            StandardStreams.write(SimulationReport.table(rows))
        }
        return 0
    }
}
