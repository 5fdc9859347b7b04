import GlidepathCore
import Dispatch

/// Runs the benchmark: every (scenario, rate, judge) of the options, in parallel over the cores.
///
/// Each run is seeded from (seed, scenario id, rate, run index) alone, so the results are the same
/// whatever the number of threads, and the judges of one (scenario, rate) see the same random stream
/// (common random numbers: their traffic only differs once their decisions differ).
package enum Simulator {
    /// One (scenario, rate, judge) to run.
    package struct Job: Sendable {
        package var scenario: Scenario
        package var rate: Double
        package var judge: SimulatedJudge
        package var runs: Int
    }

    /// The jobs of `options`, in output order: scenarios in catalogue order (or the traffic profile), then
    /// rates, then judges. `--horizon` replaces each scenario's horizon.
    package static func jobs(_ options: SimulationOptions) -> [Job] {
        let wanted = Set(options.scenarios.map { $0.lowercased() })
        let scenarios = options.profile.map { [$0] } ?? Scenario.catalogue.filter {
            wanted.isEmpty ? $0.inDefaultSuite : wanted.contains($0.id.lowercased())
        }
        var out: [Job] = []
        for var scenario in scenarios {
            if let horizon = options.horizon { scenario.horizonSeconds = horizon.milliseconds / 1000 }
            for rate in options.rates ?? scenario.defaultRates {
                for judge in options.effectiveJudges {
                    out.append(Job(scenario: scenario, rate: rate, judge: judge,
                                   runs: options.runs ?? scenario.defaultRuns))
                }
            }
        }
        return out
    }

    /// The seed of one run.
    package static func runSeed(_ seed: UInt64, scenario: String, rate: Double, run: Int) -> UInt64 {
        SplitMix64.mix([seed, SplitMix64.stableHash(scenario), rate.bitPattern, UInt64(run)])
    }

    /// Runs everything and returns one row per job, in `jobs(options)` order.
    /// With `zones` and `options.start`, runs honour the policy's calendar (`schedule`, `notBefore`): the
    /// virtual clock reads `start` at the beginning of each run.
    package static func run(_ options: SimulationOptions, zones: (any TimeZoneResolver)? = nil) -> [SimulationRow] {
        let calendar = zones.flatMap { z in options.start.map { SimulationRun.Calendar(start: $0, zones: z) } }
        let jobs = jobs(options)
        var prepared: [String: SimulationRun.Prepared] = [:]
        for job in jobs where prepared[job.scenario.id] == nil {
            prepared[job.scenario.id] = SimulationRun.Prepared(job.scenario)
        }
        // Work units of up to 25 runs of one job; results land at fixed offsets.
        var pending: [(job: Int, first: Int, count: Int, offset: Int)] = []
        var offsets: [Int] = []
        var total = 0
        for (j, job) in jobs.enumerated() {
            offsets.append(total)
            var first = 0
            while first < job.runs {
                let count = min(25, job.runs - first)
                pending.append((j, first, count, total + first))
                first += count
            }
            total += job.runs
        }
        let units = pending
        let results = ResultBuffer(count: total)
        let frozen = prepared
        DispatchQueue.concurrentPerform(iterations: units.count) { u in
            let unit = units[u]
            let job = jobs[unit.job]
            guard let ready = frozen[job.scenario.id] else { return }
            for i in 0..<unit.count {
                let run = unit.first + i
                let seed = runSeed(options.seed, scenario: job.scenario.id, rate: job.rate, run: run)
                results.store(SimulationRun.run(ready, rate: job.rate, judge: job.judge, seed: seed,
                                                policy: options.policy, calendar: calendar),
                              at: unit.offset + i)
            }
        }
        let all = results.values
        return jobs.enumerated().map { j, job in
            SimulationRow(scenario: job.scenario, rate: job.rate, judge: job.judge,
                          results: Array(all[offsets[j]..<(offsets[j] + job.runs)]))
        }
    }
}

/// Run results written from several threads, each slot by exactly one of them.
final class ResultBuffer: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<RunResult>
    private let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(1, count))
        storage.initialize(repeating: RunResult(outcome: .held, endSeconds: 0, onsetSeconds: nil,
                                                excessFailures: 0, stuck: false),
                           count: max(1, count))
    }

    deinit {
        storage.deinitialize(count: max(1, count))
        storage.deallocate()
    }

    func store(_ result: RunResult, at index: Int) { storage[index] = result }

    /// Every slot; call after the writers are done.
    var values: [RunResult] { Array(UnsafeBufferPointer(start: storage, count: count)) }
}
