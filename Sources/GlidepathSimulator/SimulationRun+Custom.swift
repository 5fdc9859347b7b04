import GlidepathCore

extension SimulationRun {
    /// The counters as a metrics source would report them: the sampler draws each custom guard's bad
    /// events, and a guard of kind `good` reads the requests that were not bad (`requests − bad`, which
    /// is cumulative like the rest).
    static func asReported(_ counters: ArmPair, _ policy: Policy) -> ArmPair {
        let kinds = policy.guards.custom.map(\.kind)
        guard kinds.contains(.good) else { return counters }
        func convert(_ a: ArmCounts) -> ArmCounts {
            var out = a
            for i in out.custom.indices where i < kinds.count && kinds[i] == .good {
                out.custom[i] = a.requests - min(a.custom[i], a.requests)
            }
            return out
        }
        return ArmPair(baseline: convert(counters.baseline), candidate: convert(counters.candidate))
    }
}
