import Foundation
import Testing
@testable import GlidepathCore

/// Rules, decision actions, actors and evidence keys are enums in the code; on the wire (status JSON,
/// metric labels, stored judge states and decisions) they keep exactly the names they had as strings.
@Suite struct WireNamesTests {
    @Test func rulesKeepTheirNames() {
        #expect(Verdict.Rule.allCases.map(\.rawValue) == [
            "healthy", "no-data", "min-requests", "bake", "error-ratio", "error-rate", "latency-ratio", "latency-max",
            "ttft-ratio", "ttft-max", "tokens-ratio", "cost-ratio", "custom-ratio", "custom-rate", "custom-evidence",
            "evidence", "error-evidence", "latency-evidence", "ttft-evidence", "tokens-evidence", "cost-evidence",
            "paused", "terminal", "gate", "stuck", "max-hold", "snapshot", "z-test", "schedule",
        ])
        #expect("\(Verdict.Rule.noData)" == "no-data")
    }

    @Test func actionsAndActorsKeepTheirNames() {
        #expect(Decision.Action.allCases.map(\.rawValue)
                == ["created", "policy", "advance", "wait", "promote", "rollback", "pause", "resume", "restart",
                    "set_weight", "back"])
        #expect(OperatorAction.allCases.map(\.rawValue)
                == ["pause", "resume", "advance", "promote", "rollback", "restart", "set-weight", "back"])
        #expect(DecisionActor.judge.rawValue == "judge" && DecisionActor.operator.rawValue == "operator")
    }

    @Test func evidenceKeysKeepTheirNames() {
        #expect(EvidenceGuard.latency(quantile: 0.999).rawValue == "latency_p99.9")
        #expect([EvidenceGuard.errors, .latency, .latencyMax, .exposure, .checks, .combined].map(\.rawValue)
                == ["errors", "latency", "latency_max", "exposure", "checks", "combined"])
        #expect([EvidenceGuard.ttft, .ttftMax, .tokens, .cost, .ttft(quantile: 0.9)].map(\.rawValue)
                == ["ttft", "ttft_max", "tokens", "cost", "ttft_p90"])
        #expect(EvidenceGuard.custom("json_parse").rawValue == "custom:json_parse")
        #expect(EvidenceGuard.custom("json_parse").customName == "json_parse" && EvidenceGuard.errors.customName == nil)
        #expect([EvidenceTest.candidateMean, .baselineMean, .unit].map(\.rawValue) == ["candidate_mean", "baseline_mean", "unit"])
        #expect(EvidenceTest.noData.rawValue == "no_data" && EvidenceTest.rollbackEValue.rawValue == "rollback_evalue")
        let evidence = [GuardEvidence(guardName: .exposure, test: .noData, value: 1)]
        #expect(evidence.value(.exposure, .noData) == 1)
        #expect(evidence.value(.exposure, .candidateIdleSeconds) == nil)
    }

    /// A judge state stored before the enums decodes, and encodes to the same JSON.
    @Test func storedJSONIsUnchanged() throws {
        let json = #"{"action":"hold","evidence":[{"guardName":"latency_p99","test":"safety_evalue","value":2}],"#
            + #""reason":"r","rule":"no-data"}"#
        let verdict = try JSONDecoder().decode(Verdict.self, from: Data(json.utf8))
        #expect(verdict == Verdict(action: .hold, rule: .noData, reason: "r",
                                   evidence: [GuardEvidence(guardName: .latency(quantile: 0.99), test: .safetyEValue, value: 2)]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(verdict), as: UTF8.self) == json)
        let decision = #"{"action":"policy","actor":"operator"}"#
        struct Part: Codable { var action: Decision.Action; var actor: DecisionActor }
        let part = try JSONDecoder().decode(Part.self, from: Data(decision.utf8))
        #expect(part.action == .policy && part.actor == .operator)
    }
}
