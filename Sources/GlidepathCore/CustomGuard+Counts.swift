/// How a custom guard reads an arm's counts: trials and bad events, like the errors guard's judged
/// requests and errors.
extension CustomGuard {
    /// Trials and bad events of guard number `index` (this guard) in `counts` (a tick's or a step's
    /// increments); nil when the source gave no value for it (no data: the guard learns nothing).
    ///
    /// Kind `bad`: the bad events among the judged requests, `min(bad, requests − client errors)`.
    /// Kind `good`: every request that was not counted good, `requests − min(good, requests)`.
    package func events(in counts: ArmCounts, index: Int) -> (trials: UInt64, bad: UInt64)? {
        guard index < counts.custom.count else { return nil }
        let value = counts.custom[index]
        switch kind {
        case .bad:
            let n = counts.judgedRequests
            return (n, min(value, n))
        case .good:
            let n = counts.requests
            return (n, n - min(value, n))
        }
    }

    /// The bad share of `counts` (0 without trials), nil when the source gave no value.
    package func badShare(in counts: ArmCounts, index: Int) -> Double? {
        guard let (n, bad) = events(in: counts, index: index) else { return nil }
        return n == 0 ? 0 : Double(bad) / Double(n)
    }

    /// The guard's evidence name, `custom:json_parse` (the `guard` label of `glidepath_guard_evidence`).
    package var evidenceName: EvidenceGuard { .custom(name) }
}
