import GlidepathCore

extension SimulationRun {
    /// A scenario made ready to run: one sampler per distinct arm behaviour, built once and shared by
    /// every run, and each arm's timeline as indices into them (no per-tick lookups by value).
    package struct Prepared: Sendable {
        /// From `from` seconds on, an arm draws with sampler `index`.
        struct Entry: Sendable {
            var from: Int64
            var index: Int
        }

        package let scenario: Scenario
        let samplers: [ArmSampler]
        let errorRates: [Double]
        let baselineTimeline: [Entry]
        let candidateTimeline: [Entry]
        /// The candidate's sampler from the onset on (nil: it follows its timeline).
        let regressedIndex: Int?

        package init(_ scenario: Scenario) {
            self.scenario = scenario
            var behaviours: [ArmBehaviour] = []
            func index(_ b: ArmBehaviour) -> Int {
                if let i = behaviours.firstIndex(of: b) { return i }
                behaviours.append(b)
                return behaviours.count - 1
            }
            var baseline = [Entry(from: 0, index: index(scenario.baseline))]
            var candidate = [Entry(from: 0, index: index(scenario.candidate))]
            regressedIndex = scenario.regressed.map(index)
            for change in scenario.changes {
                let entry = Entry(from: change.atSeconds, index: index(change.behaviour))
                if change.arm == .baseline { baseline.append(entry) } else { candidate.append(entry) }
            }
            baselineTimeline = baseline
            candidateTimeline = candidate
            samplers = behaviours.map { ArmSampler(behaviour: $0) }
            errorRates = behaviours.map(\.errorRate)
        }

        /// The last entry of `timeline` that has begun by `seconds`.
        @inline(__always)
        static func current(_ timeline: [Entry], _ seconds: Int64) -> Int {
            var i = timeline.count - 1
            while i > 0 && timeline[i].from > seconds { i -= 1 }
            return timeline[i].index
        }

        /// Sampler indices of (baseline, candidate) during the interval starting at `seconds`.
        @inline(__always)
        func arms(atSeconds seconds: Int64, regressed: Bool) -> (baseline: Int, candidate: Int) {
            let b = Self.current(baselineTimeline, seconds)
            if regressed, let r = regressedIndex { return (b, r) }
            return (b, Self.current(candidateTimeline, seconds))
        }

        /// The arms' error rates: their samplers' rates, or the spike's for both while it lasts.
        @inline(__always)
        func errorRates(_ arms: (baseline: Int, candidate: Int), atSeconds seconds: Int64)
            -> (baseline: Double, candidate: Double) {
            if let spike = scenario.spike, seconds >= spike.startSeconds, seconds < spike.endSeconds {
                return (spike.errorRate, spike.errorRate)
            }
            return (errorRates[arms.baseline], errorRates[arms.candidate])
        }
    }
}
