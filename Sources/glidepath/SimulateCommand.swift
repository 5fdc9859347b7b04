import GlidepathServer
import GlidepathSimulator

/// `glidepath simulate`: the benchmark of the judges on simulated traffic.
enum SimulateCommand {
    static func run(_ options: SimulationOptions) -> Int32 {
        let rows = Simulator.run(options)
        StandardStreams.write(options.json ? SimulationReport.json(rows) : SimulationReport.table(rows))
        return 0
    }
}
