/// Who took a decision.
public enum Actor: String, Hashable, Sendable, Codable {
    case judge
    case `operator`
}

/// One number the judge computed for one guard, exported as `glidepath_guard_evidence{guard,test}`.
public struct GuardEvidence: Hashable, Sendable, Codable {
    /// `errors`, `latency`, `exposure`, ...
    public var guardName: String
    /// What was computed: `candidate_rate`, `baseline_rate`, `ratio`, `failed_checks`, ...
    public var test: String
    public var value: Double

    public init(guardName: String, test: String, value: Double) {
        self.guardName = guardName
        self.test = test
        self.value = value
    }
}

/// One entry of the audit log: a change of weights or phase, who made it and why.
public struct Decision: Hashable, Sendable, Codable {
    /// When (ms since the Unix epoch).
    public var at: Int64
    /// The revision this decision produced.
    public var revision: Int64
    /// `created`, `policy`, `advance`, `wait`, `promote`, `rollback`, `pause`, `resume`, `restart`, `stuck`.
    public var action: String
    public var fromStep: Int
    public var toStep: Int
    public var baseline: String
    public var candidate: String
    /// The candidate's weight after the decision (the baseline has the complement).
    public var candidateWeight: Weight
    public var actor: Actor
    /// A sentence a human understands without reading code.
    public var reason: String
    /// The numbers behind the decision.
    public var evidence: [GuardEvidence]

    public init(at: Int64, revision: Int64, action: String, fromStep: Int, toStep: Int,
                baseline: String, candidate: String, candidateWeight: Weight, actor: Actor,
                reason: String, evidence: [GuardEvidence] = []) {
        self.at = at
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
    public init(from decoder: Decoder) throws {
        basisPoints = try decoder.singleValueContainer().decode(Int.self)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(basisPoints)
    }
}
