/// The measures of one (scenario, rate, judge): what the table and `--json` print.
///
/// - `falseRollbackRate`: share of runs rolled back while the candidate was as good as the baseline: any
///   rollback in a healthy scenario, a rollback before the onset in a late-onset one (S2b, S3b);
///   `falseRollbackUpper95` its one-sided 95 % Clopper–Pearson upper bound. nil when the regression is
///   there from the start.
/// - `rolledBackRate`, `promotedRate`, `heldRate` (neither by the horizon), `stuckRate` (held with the
///   `maxHold` alert raised at the horizon): shares of runs.
/// - Decision time: for healthy scenarios, seconds from the start to promotion; for the others, seconds
///   from the regression's onset to rollback (0 if the run rolled back before its onset). A run without
///   that decision counts as the rest of the horizon (horizon − onset), so a judge that rarely decides
///   shows the horizon, not a flattering figure from the few runs that did.
/// - Excess failures: candidate errors from the onset to the decision (or the horizon, a wrongly promoted
///   candidate serving all traffic until then at its expected rate), minus what the baseline's error rate
///   would have given on the same candidate requests. 0 for healthy scenarios.
package struct SimulationRow: Hashable, Sendable {
    package var scenario: String
    package var rate: Double
    package var judge: String
    package var runs: Int
    package var falseRollbackRate: Double?
    package var falseRollbackUpper95: Double?
    package var rolledBackRate: Double
    package var promotedRate: Double
    package var heldRate: Double
    package var stuckRate: Double
    package var medianDecisionSeconds: Double
    package var p90DecisionSeconds: Double
    package var medianExcessFailures: Double
    package var p90ExcessFailures: Double

    /// Aggregates the runs of one (scenario, rate, judge).
    package init(scenario: Scenario, rate: Double, judge: SimulatedJudge, results: [RunResult]) {
        self.scenario = scenario.id
        self.rate = rate
        self.judge = judge.rawValue
        runs = results.count
        let n = Double(max(1, results.count))
        let rolledBack = results.filter { $0.outcome == .rolledBack }.count
        rolledBackRate = Double(rolledBack) / n
        promotedRate = Double(results.filter { $0.outcome == .promoted }.count) / n
        heldRate = Double(results.filter { $0.outcome == .held }.count) / n
        stuckRate = Double(results.filter(\.stuck).count) / n
        if scenario.healthy || scenario.onset != .start {
            let early = results.filter { $0.outcome == .rolledBack && (scenario.healthy || $0.onsetSeconds == nil) }.count
            falseRollbackRate = Double(early) / n
            falseRollbackUpper95 = Statistics.upper95(events: early, trials: results.count)
        }
        let horizon = scenario.horizonSeconds
        let decisions = results.map { r -> Double in
            if scenario.healthy {
                return Double(r.outcome == .promoted ? r.endSeconds : horizon)
            }
            guard let onset = r.onsetSeconds else { return r.outcome == .rolledBack ? 0 : Double(horizon) }
            return Double(r.outcome == .rolledBack ? max(0, r.endSeconds - onset) : horizon - onset)
        }
        medianDecisionSeconds = Statistics.quantile(0.5, of: decisions) ?? 0
        p90DecisionSeconds = Statistics.quantile(0.9, of: decisions) ?? 0
        let excess = results.map(\.excessFailures)
        medianExcessFailures = Statistics.quantile(0.5, of: excess) ?? 0
        p90ExcessFailures = Statistics.quantile(0.9, of: excess) ?? 0
    }
}
