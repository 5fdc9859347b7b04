import GlidepathCore

/// One simulated migration: the real `ControlTick` (the control loop's own code path: increments from
/// cumulative counters, step evidence, the judge, `maxHold`, the state machine) on a virtual clock.
///
/// Each tick covers the interval before it: its traffic is drawn at the candidate weight the status
/// had at the interval's start (`status.candidateWeight(policy)`; a shadow step's mirror adds candidate
/// evidence at no user exposure), added to each arm's cumulative
/// counters as /metrics would show them, and the snapshot goes to `ControlTick.run` at the interval's end.
/// A transition is applied as the controller applies it (its status and judge state replace the old).
/// The run ends at promotion, at rollback, or at the scenario's horizon.
package struct SimulationRun: Sendable {
    /// The virtual clock's origin (ms since the Unix epoch); only differences matter.
    static let origin: Int64 = 1_767_225_600_000

    /// The wall clock of a run, for a policy's calendar: `start` at the run's beginning, then virtual time.
    package struct Calendar: Sendable {
        package var start: Int64
        package var zones: any TimeZoneResolver
        package init(start: Int64, zones: any TimeZoneResolver) {
            self.start = start
            self.zones = zones
        }
    }

    /// Runs one migration of `prepared` at total rate `rate` (req/s) with `judge`, seeded by `seed`, under
    /// `custom` (a user's policy) or the standard one.
    package static func run(_ prepared: Prepared, rate: Double, judge kind: SimulatedJudge, seed: UInt64,
                           policy custom: Policy? = nil, calendar: Calendar? = nil) -> RunResult {
        let scenario = prepared.scenario
        let policy = scenario.policy(custom, judge: kind.policyKind)
        let judge = kind.make()
        var rng = Xoshiro256(seed: seed)
        let start = StateMachine.start(policy: policy, policyVersion: 1, now: origin)
        var status = start.status
        var state = start.judge
        var counters = ArmPair()
        // The simulated counters start at zero: that is the first snapshot, so the first tick judges.
        state.lastSnapshot = counters
        let interval = policy.interval.milliseconds
        let intervalSeconds = Double(interval) / 1000
        var onset: Int64? = scenario.healthy ? nil : (scenario.onset == .start ? 0 : nil)
        var excess = 0.0
        var elapsed: Int64 = 0

        while elapsed < scenario.horizonSeconds * 1000 {
            let seconds = elapsed / 1000
            if !scenario.healthy, onset == nil, reached(scenario.onset, seconds: seconds, status: status) {
                onset = seconds
            }
            let regressed = onset != nil
            let w = Double(status.candidateWeight(policy).basisPoints) / 10_000
            // A shadow step (`mirror`) also sends the baseline's requests in buckets below the mirror to the
            // candidate: its evidence covers max(weight, mirror) of the traffic, the users' stays at 1 − w.
            let share = max(w, Double(status.mirror(policy).basisPoints) / 10_000)
            let mean = rate * intervalSeconds * scenario.traffic.factor(atSeconds: seconds)
            let arms = prepared.arms(atSeconds: seconds, regressed: regressed)
            let rates = prepared.errorRates(arms, atSeconds: seconds)
            prepared.samplers[arms.baseline].draw(meanRequests: mean * (1 - w), errorRate: rates.baseline,
                                                  into: &counters.baseline, rng: &rng)
            let c = prepared.samplers[arms.candidate].draw(meanRequests: mean * share, errorRate: rates.candidate,
                                                           into: &counters.candidate, rng: &rng)
            // Only live requests hurt users: mirrored copies' errors are never seen.
            if regressed, share > 0 {
                let seen = Double(c.errors) - Double(c.requests) * rates.baseline
                excess += share == w ? seen : seen * w / share
            }

            elapsed += interval
            let outcome = ControlTick.run(policy: policy, status: status, state: state,
                                          snapshot: Self.asReported(counters, policy),
                                          judge: judge,
                                          calendar: calendar.map { CalendarInput(wall: $0.start + elapsed, zones: $0.zones) },
                                          now: origin + elapsed)
            state = outcome.judge
            if let t = outcome.transition { status = t.status }
            switch status.phase {
            case .rolledBack:
                return RunResult(outcome: .rolledBack, endSeconds: elapsed / 1000, onsetSeconds: onset,
                                 excessFailures: excess, stuck: false)
            case .promoted:
                // A bad candidate promoted keeps failing at 100 % until the horizon: add that at its expected value.
                if !scenario.healthy {
                    excess += remainingExcess(prepared, rate: rate, from: elapsed, onset: &onset)
                }
                return RunResult(outcome: .promoted, endSeconds: elapsed / 1000, onsetSeconds: onset,
                                 excessFailures: excess, stuck: false)
            default:
                continue
            }
        }
        return RunResult(outcome: .held, endSeconds: scenario.horizonSeconds, onsetSeconds: onset,
                         excessFailures: excess, stuck: state.lastVerdict?.rule == .stuck)
    }

    /// Whether the regression has begun by the interval starting at `seconds`.
    static func reached(_ onset: Scenario.Onset, seconds: Int64, status: MigrationStatus) -> Bool {
        switch onset {
        case .start: return true
        case .atSeconds(let s): return seconds >= s
        case .intoStep(let step, let s):
            let into = seconds - (status.stepStartedAt - origin) / 1000
            return status.step > step || (status.step == step && into >= s)
        }
    }

    /// Expected excess errors of a promoted candidate (all traffic) from `from` ms to the horizon.
    /// A time-based onset still in the future starts counting when it comes (and sets `onset`).
    static func remainingExcess(_ prepared: Prepared, rate: Double, from: Int64, onset: inout Int64?) -> Double {
        let scenario = prepared.scenario
        var total = 0.0
        var t = from / 1000
        let step: Int64 = 10
        while t < scenario.horizonSeconds {
            if onset == nil, case .atSeconds(let s) = scenario.onset, t >= s { onset = s }
            if onset != nil {
                let rates = prepared.errorRates(prepared.arms(atSeconds: t, regressed: true), atSeconds: t)
                total += rate * Double(step) * scenario.traffic.factor(atSeconds: t) * (rates.candidate - rates.baseline)
            }
            t += step
        }
        return total
    }
}
