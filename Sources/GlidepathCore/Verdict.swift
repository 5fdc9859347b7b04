/// What a judge concluded at one tick. "No data" is a hold with its own rule, never a pass or a failure.
public struct Verdict: Hashable, Sendable, Codable {
    public enum Action: String, Hashable, Sendable, Codable {
        /// The step may be left (bake time passed, exposure met, checks healthy).
        case advance
        /// Stay at this step.
        case hold
        /// The candidate is worse: go to 0 %.
        case rollback
    }

    public var action: Action
    /// Short machine name of the rule that decided: `healthy`, `no-data`, `min-requests`, `bake`,
    /// `error-ratio`, `error-rate`, `latency-ratio`, `latency-max`, ...
    public var rule: String
    /// A sentence a human understands.
    public var reason: String
    public var evidence: [GuardEvidence]

    public init(action: Action, rule: String, reason: String, evidence: [GuardEvidence] = []) {
        self.action = action
        self.rule = rule
        self.reason = reason
        self.evidence = evidence
    }
}
