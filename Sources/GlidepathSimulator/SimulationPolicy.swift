import GlidepathCore

/// The policy every simulated migration runs under: the product's defaults plus the benchmark's ramp.
package enum SimulationPolicy {
    /// Steps 5/10/25/50/100 % with a 2-minute bake each (the last bake ends in promotion), 10 s interval,
    /// `minRequests` 100, `maxHold` 1 hour with `onStuck: hold`, default guards and sequential settings
    /// (α 0.01 over the migration, β 0.05, tolerance 1, bad ratio 2).
    package static func standard(judge: JudgeKind) -> Policy {
        let steps = [500, 1000, 2500, 5000, 10_000].map {
            Step(weight: Weight(basisPoints: $0), bake: .minutes(2))
        }
        return Policy(migration: "simulated", baseline: "baseline", candidate: "candidate",
                      interval: .seconds(10), steps: steps, minRequests: 100, guards: Guards(), judge: judge,
                      maxHold: .minutes(60), onStuck: .hold)
    }

    /// The policy a run of `judge` uses: `custom` (a user's `--policy`) or the standard one, with its
    /// `judge` field set to this judge's.
    package static func policy(_ custom: Policy?, judge: JudgeKind) -> Policy {
        guard var policy = custom else { return standard(judge: judge) }
        policy.judge = judge
        return policy
    }
}
