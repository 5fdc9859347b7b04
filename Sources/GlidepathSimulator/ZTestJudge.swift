import GlidepathCore

/// A naive baseline: each tick, a one-sided two-proportion z-test of this tick's error rates, at 1 %
/// per look (z > 2.33) with no correction for looking again every tick.
///
/// - Rolls back as soon as one tick's z exceeds 2.33 (rule `z-test`).
/// - Otherwise holds until the step's bake time has passed and both arms have `minRequests` in the step
///   (only the candidate at a 100 % step, where the baseline gets nothing), then advances (rule `healthy`).
/// - A tick without requests on either arm, or without any error on both, tests nothing.
/// Errors only: it does not look at latency (it stands for the per-interval tests of Kayenta-like tools).
package struct ZTestJudge: Judge {
    /// One-sided 1 % critical value of the standard normal.
    package static let critical = 2.33

    package init() {}

    /// z of the candidate's error rate over the baseline's in `tick` (pooled variance); nil when undefined.
    package static func z(_ tick: ArmPair) -> Double? {
        let nc = Double(tick.candidate.judgedRequests), nb = Double(tick.baseline.judgedRequests)
        guard nc > 0, nb > 0 else { return nil }
        let ec = Double(tick.candidate.errors), eb = Double(tick.baseline.errors)
        let pooled = (ec + eb) / (nc + nb)
        let variance = pooled * (1 - pooled) * (1 / nc + 1 / nb)
        guard variance > 0 else { return nil }
        return (ec / nc - eb / nb) / variance.squareRoot()
    }

    package func assess(_ input: JudgeInput, now: Int64) -> Assessment {
        let memory = input.memory
        if let z = Self.z(input.tick), z > Self.critical {
            return Assessment(verdict: Verdict(action: .rollback, rule: .zTest,
                                               reason: "this tick's z = \((z * 100).rounded() / 100) > \(Self.critical)"),
                              memory: memory)
        }
        let policy = input.policy
        let sole = input.status.candidateWeight(policy) == .full
        let minimum = UInt64(max(0, policy.minRequests))
        let c = input.step.candidate.requests, b = input.step.baseline.requests
        if c < minimum || (!sole && b < minimum) {
            return Assessment(verdict: Verdict(action: .hold, rule: .minRequests, reason: "waiting for requests"),
                              memory: memory)
        }
        let bake = policy.steps.indices.contains(input.status.step) ? policy.steps[input.status.step].bake : .zero
        if now.subtractingSaturating(input.status.stepStartedAt) < bake.milliseconds {
            return Assessment(verdict: Verdict(action: .hold, rule: .bake, reason: "baking"), memory: memory)
        }
        return Assessment(verdict: Verdict(action: .advance, rule: .healthy, reason: "no tick rejected"),
                          memory: memory)
    }
}
