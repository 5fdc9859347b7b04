/// The Flagger-style judge: minimum requests per arm, then threshold rules on the error-rate ratio
/// and the p99 latency ratio between arms; rolls back after `failureThreshold` consecutive failed checks.
public struct ThresholdJudge: Judge {
    public init() {}

    public func assess(_ input: JudgeInput, now: Int64) -> Assessment {
        fatalError("TODO")
    }
}
