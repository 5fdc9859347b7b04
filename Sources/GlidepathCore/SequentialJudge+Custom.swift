/// The sequential judge's custom guards (`guards.custom`): each judged like errors, on the bad events
/// the metrics source counted. Nothing happens without custom guards.
extension SequentialJudge {
    /// Feeds one tick into every custom guard: its relative e-processes while a baseline shares traffic,
    /// its `maxRate` limit at every step. A guard whose counter the source did not give this tick (on the
    /// candidate, or on the baseline for the relative test) learns nothing from it.
    static func updateCustom(_ mem: inout SequentialMemory, tick: ArmPair, relative: Bool, _ policy: Policy) {
        let guards = policy.guards.custom
        for i in mem.custom.indices where i < guards.count {
            let g = guards[i]
            guard let (nc, ec) = g.events(in: tick.candidate, index: i) else { continue }
            if relative, let (nb, eb) = g.events(in: tick.baseline, index: i) {
                mem.custom[i].state.update(candidateTrials: nc, candidateEvents: ec, baselineTrials: nb,
                                           baselineEvents: eb)
            }
            mem.custom[i].maxRate?.update(trials: nc, events: ec)
        }
    }
}
