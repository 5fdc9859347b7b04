/// The sequential judge's memory of one custom guard (`guards.custom`).
extension SequentialMemory {
    /// Like the errors guard: a relative `SequentialGuardState` (rollback against `tolerance`, safety
    /// against `badRatio`, floor `minDelta`) and, with `maxRate`, a one-sample limit on the candidate.
    package struct Custom: Hashable, Sendable, Codable {
        /// The guard's name (`guards.custom[i].name`).
        package var name: String
        package var state: SequentialGuardState
        /// `maxRate` as a one-sample test on the candidate's bad share; nil without one.
        package var maxRate: BinomialEProcess?

        package init(_ g: CustomGuard, _ settings: SequentialSettings) {
            name = g.name
            state = SequentialGuardState(settings: settings, floor: g.minDeltaPercent / 100)
            maxRate = g.maxRatePercent.map { BinomialEProcess.above($0 / 100) }
        }
    }

    /// One custom guard's part of `limits`: `custom.json_parse=bad:copy_parse_failures_total{arm=source,
    /// status="error"}:maxRatio=2.0:minDelta=1.0:maxRate=-` (the counter too: another counter is another
    /// hypothesis).
    static func customLimits(_ g: CustomGuard) -> String {
        let labels = (g.counter.armLabel.map { ["arm=\($0)"] } ?? [])
            + g.counter.matchers.map { "\($0.name)=\(jsonQuoted($0.value))" }
        return "custom.\(g.name)=\(g.kind.rawValue):\(g.counter.metric){\(labels.joined(separator: ","))}"
            + ":maxRatio=\(g.maxRatio):minDelta=\(g.minDeltaPercent)"
            + ":maxRate=\(g.maxRatePercent.map { "\($0)" } ?? "-")"
    }
}
