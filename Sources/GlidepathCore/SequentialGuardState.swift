#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One relative guard of the sequential judge (errors, or one latency threshold) within a step:
/// its rollback and safety e-processes and the counts the reasons quote.
package struct SequentialGuardState: Hashable, Sendable, Codable {
    /// "Candidate no worse than `tolerance` × the baseline" (alternatives above it).
    package var rollback: RatioEProcess
    /// "Candidate at least `badRatio` × worse" (alternatives below it).
    package var safety: RatioEProcess
    /// "Candidate's own rate at least the floor", the second way to show safety when the baseline
    /// has (almost) no bad events; nil when the guard has no floor.
    package var floor: BinomialEProcess?
    /// Counts since this guard started counting (the step start, or the tick after its threshold froze).
    package var candidateTrials: UInt64 = 0
    package var candidateEvents: UInt64 = 0
    package var baselineTrials: UInt64 = 0
    package var baselineEvents: UInt64 = 0

    package init(settings: SequentialSettings, floor: Double?) {
        let r0 = settings.tolerance
        rollback = RatioEProcess(null: r0, alternatives: EProcess.rollbackMultiples.map { r0 * $0 })
        let safe = EProcess.safetyMultiples.map { r0 * $0 }.filter { $0 < settings.badRatio }
        safety = RatioEProcess(null: settings.badRatio, alternatives: safe)
        if let floor, floor > 0, floor < 1 { self.floor = BinomialEProcess.below(floor) }
    }

    /// Adds one tick's trials and bad events per arm.
    package mutating func update(candidateTrials nc: UInt64, candidateEvents ec: UInt64,
                                baselineTrials nb: UInt64, baselineEvents eb: UInt64) {
        rollback.update(candidateTrials: nc, candidateEvents: ec, baselineTrials: nb, baselineEvents: eb)
        safety.update(candidateTrials: nc, candidateEvents: ec, baselineTrials: nb, baselineEvents: eb)
        floor?.update(trials: nc, events: ec)
        candidateTrials &+= nc
        candidateEvents &+= ec
        baselineTrials &+= nb
        baselineEvents &+= eb
    }

    /// Weight of the ratio test in the safety e-value; the floor test gets the rest.
    package static let safetyRatioWeight = 0.8
    private static let logRatioWeight = log(safetyRatioWeight)
    private static let logFloorWeight = log(1 - safetyRatioWeight)

    /// The guard's safety e-value, in logs: the ratio test alone, or with a floor
    /// `0.8 × E_ratio + 0.2 × E_floor` (an average of e-values under the null "at least badRatio
    /// worse and at least the floor").
    package var safetyLogEValue: Double {
        guard let floor else { return safety.logEValue }
        return EProcess.logAddExp(safety.logEValue + Self.logRatioWeight, floor.logEValue + Self.logFloorWeight)
    }

    /// Share of bad events per arm since counting began (0 without trials).
    package var candidateShare: Double { candidateTrials == 0 ? 0 : Double(candidateEvents) / Double(candidateTrials) }
    package var baselineShare: Double { baselineTrials == 0 ? 0 : Double(baselineEvents) / Double(baselineTrials) }
}
