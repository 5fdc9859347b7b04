import GlidepathCore

/// Where the demo stands, judged from each migration's state. Pure.
package enum DemoOutcome: Equatable, Sendable {
    /// Some migration is still on its way (and the timeout has not passed).
    case running
    /// Every migration reached the outcome the plan expects.
    case reached
    /// A migration ended elsewhere, vanished, or the timeout passed: the message says which and why.
    case failed(String)

    /// One migration as the controller holds it now: nil when it is not there (quarantined or never applied).
    package typealias Observed = (phase: Phase, step: Int, reason: String)

    /// The outcome once `elapsed` seconds have passed since the policies were applied.
    package static func assess(_ plan: DemoPlan, observed: [String: Observed], elapsed: Double) -> DemoOutcome {
        var waiting: [String] = []
        for m in plan.migrations {
            guard let o = observed[m.name] else { return .failed("\(m.name) is not on the controller any more") }
            if o.phase.isTerminal {
                if o.phase != m.expected {
                    return .failed("\(m.name) was \(words(o.phase)), expected \(words(m.expected)): \(o.reason)")
                }
            } else {
                waiting.append("\(m.name) is still \(o.phase.rawValue) at step \(o.step + 1)/\(plan.stepWeights.count)"
                               + " (\(plan.stepWeights[min(o.step, plan.stepWeights.count - 1)]) %): \(o.reason)")
            }
        }
        if waiting.isEmpty { return .reached }
        if elapsed >= plan.timeoutSeconds {
            return .failed("no outcome after \(Int(plan.timeoutSeconds)) s: " + waiting.joined(separator: "; "))
        }
        return .running
    }

    /// `promoted`, `rolled back`, `ramping`…: a state as a sentence says it.
    package static func words(_ phase: Phase) -> String {
        phase == .rolledBack ? "rolled back" : phase.rawValue
    }
}
