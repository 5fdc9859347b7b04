/// What a judge concluded at one tick. "No data" is a hold with its own rule, never a pass or a failure.
package struct Verdict: Hashable, Sendable, Codable {
    package enum Action: String, Hashable, Sendable, Codable {
        /// The step may be left (bake time passed, exposure met, checks healthy).
        case advance
        /// Stay at this step.
        case hold
        /// The candidate is worse: go to 0 %.
        case rollback
    }

    /// The rule that decided. The raw values are the names status JSON, logs and stored judge states use.
    package enum Rule: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
        /// Every check passed and the bake is done: advance.
        case healthy
        /// No request on either arm in this step, or (`noDataAfter`) none on the candidate for that long.
        case noData = "no-data"
        /// Fewer than `minRequests` requests per arm so far.
        case minRequests = "min-requests"
        /// Checks pass; the step's bake time is not over.
        case bake
        /// Threshold judge: the candidate's error rate above `maxRatio` × the baseline's (or `minDelta`).
        case errorRatio = "error-ratio"
        /// The candidate's error rate above `maxRate` (both judges).
        case errorRate = "error-rate"
        /// Threshold judge: the candidate's latency quantile above `maxRatio` × the baseline's.
        case latencyRatio = "latency-ratio"
        /// The candidate's latency quantile above `maxP99` (both judges).
        case latencyMax = "latency-max"
        /// Threshold judge: the candidate's TTFT quantile above `guards.ttft.maxRatio` × the baseline's.
        case ttftRatio = "ttft-ratio"
        /// The candidate's TTFT quantile above `guards.ttft.max` (both judges).
        case ttftMax = "ttft-max"
        /// Threshold judge: the candidate's tokens per successful request above `guards.tokens.maxRatio` ×
        /// the baseline's.
        case tokensRatio = "tokens-ratio"
        /// Threshold judge: the candidate's cost per request above `guards.cost.maxRatio` × the baseline's.
        case costRatio = "cost-ratio"
        /// Threshold judge: a custom guard's bad share above its `maxRatio` × the baseline's (or `minDelta`).
        case customRatio = "custom-ratio"
        /// A custom guard's bad share above its `maxRate` (both judges).
        case customRate = "custom-rate"
        /// Sequential judge: the combined evidence says a custom guard's bad share is worse.
        case customEvidence = "custom-evidence"
        /// Sequential judge: waiting for the safety evidence.
        case evidence
        /// Sequential judge: the combined evidence says the candidate's errors are worse.
        case errorEvidence = "error-evidence"
        /// Sequential judge: the combined evidence says the candidate's latency is worse.
        case latencyEvidence = "latency-evidence"
        /// Sequential judge: the combined evidence says the candidate's time to first token is worse.
        case ttftEvidence = "ttft-evidence"
        /// Sequential judge: the combined evidence says the candidate uses more tokens per successful request.
        case tokensEvidence = "tokens-evidence"
        /// Sequential judge: the combined evidence says the candidate costs more per request.
        case costEvidence = "cost-evidence"
        /// Paused by an operator: the judge ran but takes no action.
        case paused
        /// Promoted or rolled back: nothing to judge.
        case terminal
        /// Waiting at a webhook gate that has not answered 2xx; the judge would advance.
        case gate
        /// Held longer than `maxHold` (`onStuck: hold`).
        case stuck
        /// Held longer than `maxHold` (`onStuck: rollback`).
        case maxHold = "max-hold"
        /// The first tick of a migration or after its arms changed: counter snapshot taken, nothing judged.
        case snapshot
        /// The simulator's per-tick z-test judge (a baseline for comparison, not used by the server).
        case zTest = "z-test"
        /// The judge would advance, but the calendar says not now: outside the policy's advance window, in a
        /// blackout, or before the next step's `notBefore`.
        case schedule

        /// The raw value, so an interpolated rule reads as on the wire (`no-data`).
        package var description: String { rawValue }
    }

    package var action: Action
    /// The rule that decided.
    package var rule: Rule
    /// A sentence a human understands.
    package var reason: String
    package var evidence: [GuardEvidence]

    package init(action: Action, rule: Rule, reason: String, evidence: [GuardEvidence] = []) {
        self.action = action
        self.rule = rule
        self.reason = reason
        self.evidence = evidence
    }
}
