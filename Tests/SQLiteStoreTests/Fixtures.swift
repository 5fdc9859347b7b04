import GlidepathCore

/// Values the store tests save and expect back.
enum Fixture {
    static let t0: Int64 = 1_764_000_000_000
    static let policyV1 = #"{"migration":"chat-completions","baseline":"openai","candidate":"holysheep","steps":[{"weight":5}]}"#
    static let policyV2 = #"{"migration":"chat-completions","baseline":"openai","candidate":"holysheep","steps":[{"weight":1},{"weight":50}]}"#

    static func status(_ name: String = "chat-completions", revision: Int64, policyVersion: Int = 1,
                       phase: Phase = .ramping, step: Int = 0, reason: String = "") -> MigrationStatus {
        MigrationStatus(migration: name, policyVersion: policyVersion, phase: phase, step: step, revision: revision,
                        stepStartedAt: t0 + 1_000 * Int64(step), updatedAt: t0 + revision * 10_000, reason: reason)
    }

    static func decision(revision: Int64, action: Decision.Action = .advance, from: Int = 0, to: Int = 1,
                         weight: Int = 500, evidence: [GuardEvidence] = []) -> Decision {
        Decision(at: t0 + revision * 10_000, revision: revision, action: action, fromStep: from, toStep: to,
                 baseline: "openai", candidate: "holysheep", candidateWeight: Weight(basisPoints: weight),
                 actor: action == .created ? .operator : .judge, reason: "\(action) at revision \(revision)",
                 evidence: evidence)
    }

    /// A judge state with every field set, latency arrays and verdict evidence included.
    static func judge(requests: UInt64 = 1_200, failedChecks: Int = 1) -> JudgeState {
        let baseline = ArmCounts(requests: requests, errors: 3, clientErrors: 2, latency: [0, 5, 900, 295, 0, 0],
                                 latencySum: 84.25, tokens: 40_000)
        let candidate = ArmCounts(requests: requests / 20, errors: 1, clientErrors: 0, latency: [1, 2, 50, 7, 0, 0],
                                  latencySum: 4.5, tokens: 1_999)
        let verdict = Verdict(action: .hold, rule: .bake, reason: "baking: 40 s of 60 s",
                              evidence: [GuardEvidence(guardName: .errors, test: .candidateRate, value: 0.0166),
                                         GuardEvidence(guardName: .errors, test: .baselineRate, value: 0.0025)])
        return JudgeState(step: ArmPair(baseline: baseline, candidate: candidate),
                          lastSnapshot: ArmPair(baseline: baseline, candidate: .zero),
                          lastTickAt: t0 + 55_000, lastDataAt: t0 + 54_000, lastCandidateAt: t0 + 53_000,
                          memory: JudgeMemory(failedChecks: failedChecks), lastVerdict: verdict)
    }

    /// The change that creates `name` at revision 1 with policy version 1 and a `created` decision.
    static func creation(_ name: String = "chat-completions", source: String = policyV1) -> StoreChange {
        StoreChange(status: status(name, revision: 1), judge: .initial, newPolicySource: source,
                    decision: decision(revision: 1, action: .created, from: 0, to: 0))
    }

    /// A judge advance to `revision` with a decision.
    static func advance(_ name: String = "chat-completions", revision: Int64, policyVersion: Int = 1) -> StoreChange {
        StoreChange(status: status(name, revision: revision, policyVersion: policyVersion, step: Int(revision) - 1),
                    judge: judge(requests: UInt64(revision) * 100),
                    decision: decision(revision: revision, from: Int(revision) - 2, to: Int(revision) - 1,
                                       evidence: [GuardEvidence(guardName: .errors, test: .ratio, value: 1.5)]))
    }
}
