/// Who took a decision (raw values `judge` and `operator`, as the API and the store spell them).
///
/// Named `DecisionActor` to stay clear of Swift's `DecisionActor` protocol.
package enum DecisionActor: String, Hashable, Sendable, Codable {
    case judge
    case `operator`
}

/// The guard a piece of evidence belongs to: the `guard` label of `glidepath_guard_evidence`.
///
/// An open set (one latency guard per quantile of the sequential judge), so a struct with the known
/// names as constants rather than an enum; it encodes as its name.
package struct EvidenceGuard: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    package var rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }

    package static let errors = EvidenceGuard(rawValue: "errors")
    /// Threshold judge: the guards' latency quantile.
    package static let latency = EvidenceGuard(rawValue: "latency")
    /// Sequential judge: the `maxP99` limit.
    package static let latencyMax = EvidenceGuard(rawValue: "latency_max")
    /// Request counts and idle time.
    package static let exposure = EvidenceGuard(rawValue: "exposure")
    /// Threshold judge: consecutive failed checks.
    package static let checks = EvidenceGuard(rawValue: "checks")
    /// Sequential judge: the combined e-value and the thresholds.
    package static let combined = EvidenceGuard(rawValue: "combined")
    /// Threshold judge: the `guards.ttft` quantile.
    package static let ttft = EvidenceGuard(rawValue: "ttft")
    /// Sequential judge: the `guards.ttft.max` limit.
    package static let ttftMax = EvidenceGuard(rawValue: "ttft_max")
    /// Tokens per successful request (`guards.tokens`).
    package static let tokens = EvidenceGuard(rawValue: "tokens")
    /// Cost per request (`guards.cost`).
    package static let cost = EvidenceGuard(rawValue: "cost")
    /// Sequential judge: the latency threshold at baseline quantile `q`, `latency_p99`.
    package static func latency(quantile q: Double) -> EvidenceGuard {
        EvidenceGuard(rawValue: "latency_" + ReasonFormat.quantileName(q))
    }
    /// Sequential judge: the TTFT threshold at baseline quantile `q`, `ttft_p90`.
    package static func ttft(quantile q: Double) -> EvidenceGuard {
        EvidenceGuard(rawValue: "ttft_" + ReasonFormat.quantileName(q))
    }

    /// A custom guard (`guards.custom`), `custom:json_parse`.
    package static func custom(_ name: String) -> EvidenceGuard { EvidenceGuard(rawValue: "custom:" + name) }

    /// The custom guard's name when this is one (`custom:json_parse` → `json_parse`).
    package var customName: String? { rawValue.hasPrefix("custom:") ? String(rawValue.dropFirst(7)) : nil }

    package var description: String { rawValue }

    package init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    package func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// What a piece of evidence measures: the `test` label of `glidepath_guard_evidence`.
package enum EvidenceTest: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case candidateRate = "candidate_rate"
    case baselineRate = "baseline_rate"
    case ratio
    case candidateQuantileSeconds = "candidate_quantile_seconds"
    case baselineQuantileSeconds = "baseline_quantile_seconds"
    case candidateRequests = "candidate_requests"
    case baselineRequests = "baseline_requests"
    case failedChecks = "failed_checks"
    /// `noDataAfter`: seconds since the candidate's last request in this step.
    case candidateIdleSeconds = "candidate_idle_seconds"
    /// `noDataAfter`: 1 when the candidate has been idle that long, else 0 (`glidepath_no_data`).
    case noData = "no_data"
    case rollbackEValue = "rollback_evalue"
    case safetyEValue = "safety_evalue"
    case maxRateEValue = "max_rate_evalue"
    case thresholdSeconds = "threshold_seconds"
    case candidateShareAbove = "candidate_share_above"
    case baselineShareAbove = "baseline_share_above"
    case eValue = "evalue"
    case rollbackThreshold = "rollback_threshold"
    case absoluteThreshold = "absolute_threshold"
    case safetyThreshold = "safety_threshold"
    /// Tokens per successful request or cost per request (`tokens`, `cost`) of one arm.
    case candidateMean = "candidate_mean"
    case baselineMean = "baseline_mean"
    /// Sequential judge: the frozen unit `u` of a mean-ratio guard (4 × the baseline's mean).
    case unit

    package var description: String { rawValue }
}

/// One number the judge computed for one guard, exported as `glidepath_guard_evidence{guard,test}`.
package struct GuardEvidence: Hashable, Sendable, Codable {
    /// `errors`, `latency`, `exposure`, ...
    package var guardName: EvidenceGuard
    /// What was computed: `candidate_rate`, `baseline_rate`, `ratio`, `failed_checks`, ...
    package var test: EvidenceTest
    package var value: Double

    package init(guardName: EvidenceGuard, test: EvidenceTest, value: Double) {
        self.guardName = guardName
        self.test = test
        self.value = value
    }
}

extension Array where Element == GuardEvidence {
    /// The value of the `guard`/`test` entry, if there is one.
    package func value(_ guardName: EvidenceGuard, _ test: EvidenceTest) -> Double? {
        first { $0.guardName == guardName && $0.test == test }?.value
    }
}

/// One entry of the audit log: a change of weights or phase, who made it and why.
package struct Decision: Hashable, Sendable, Codable {
    /// When (ms since the Unix epoch).
    package var at: Int64
    /// The revision this decision produced.
    package var revision: Int64
    /// What was decided. The raw values are the names the API, the store and the metrics use.
    package enum Action: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
        /// The migration was created (operator).
        case created
        /// A new policy version was applied (operator).
        case policy
        /// To the next step (judge or operator).
        case advance
        /// At a manual gate: waiting for an operator (judge).
        case wait
        /// To 100 % (judge or operator).
        case promote
        /// To 0 % (judge or operator).
        case rollback
        case pause
        case resume
        /// Started over at the first step (operator).
        case restart
        /// An operator hold at a weight below the current step's (paused there until `resume`).
        case setWeight = "set_weight"
        /// One step down (operator).
        case back

        package var description: String { rawValue }
    }

    /// What was decided.
    package var action: Action
    package var fromStep: Int
    package var toStep: Int
    package var baseline: String
    package var candidate: String
    /// The candidate's weight after the decision (the baseline has the complement).
    package var candidateWeight: Weight
    package var actor: DecisionActor
    /// Who acted, when an operator did and said so (`alice@laptop`): the CLI's `--actor`, the API's
    /// `actor` field or `Glidepath-Actor` header. Nil for the judge and for anonymous operator calls.
    package var by: String?
    /// A sentence a human understands without reading code.
    package var reason: String
    /// The numbers behind the decision.
    package var evidence: [GuardEvidence]

    package init(at: Int64, revision: Int64, action: Action, fromStep: Int, toStep: Int,
                baseline: String, candidate: String, candidateWeight: Weight, actor: DecisionActor,
                reason: String, evidence: [GuardEvidence] = [], by: String? = nil) {
        self.at = at
        self.by = by
        self.revision = revision
        self.action = action
        self.fromStep = fromStep
        self.toStep = toStep
        self.baseline = baseline
        self.candidate = candidate
        self.candidateWeight = candidateWeight
        self.actor = actor
        self.reason = reason
        self.evidence = evidence
    }
}

extension Weight: Codable {
    package init(from decoder: Decoder) throws {
        basisPoints = try decoder.singleValueContainer().decode(Int.self)
    }
    package func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(basisPoints)
    }
}
