import Foundation
import GlidepathCore

/// Fingerprints of the judges' verdicts on fixed, deterministic traffic, to show that a policy without
/// the TTFT, tokens and cost guards is judged exactly as before they existed: every verdict's action,
/// rule, reason and evidence values (to the bit) and the stored judge state, hashed (FNV-1a 64).
enum JudgeDigest {
    static func policy(judge: JudgeKind, limits: Bool) -> Policy {
        var p = Policy(migration: "chat", baseline: "openai", candidate: "holysheep",
                       steps: [5, 10, 25, 50, 100].map { Step(weight: Weight(basisPoints: $0 * 100), bake: .minutes(2)) },
                       judge: judge)
        if limits {
            p.guards.maxErrorRatePercent = 5
            p.guards.maxP99 = TimeSpan(milliseconds: 250)
        }
        return p
    }

    static func spread(_ total: UInt64, _ rate: Double) -> UInt64 { UInt64((Double(total) * rate).rounded(.down)) }

    static func arm(after total: UInt64, adding n: UInt64, errorRate: Double, slow: Double) -> ArmCounts {
        var h = [UInt64](repeating: 0, count: LatencyBuckets.count)
        let shape: [(Int, Double)] = [(24, 0.5 - slow), (26, 0.4), (29, 0.09), (36, 0.01 + slow)]
        var left = n
        for (i, (bucket, share)) in shape.enumerated() {
            let c = i == shape.count - 1 ? left : min(left, spread(total + n, share) - spread(total, share))
            h[bucket] += c
            left -= c
        }
        return ArmCounts(requests: n, errors: spread(total + n, errorRate) - spread(total, errorRate),
                         latency: h, latencySum: Double(n) * 0.1, tokens: n * 7)
    }

    /// Runs `ticks` ticks of `perTick` requests and returns the fingerprint and the number of verdicts.
    static func run(_ policy: Policy, ticks: Int, perTick: UInt64, baselineErrors: Double = 0.01,
                    candidateErrors: Double = 0.01, slow: Double = 0) -> (hash: String, verdicts: Int, phase: String) {
        var t = StateMachine.start(policy: policy, policyVersion: 1, now: 0)
        var status = t.status
        var state = t.judge
        state.lastSnapshot = .zero
        var sent = ArmPair.zero
        var now: Int64 = 0
        var text = ""
        var count = 0
        for _ in 0..<ticks where !status.phase.isTerminal {
            now += 10_000
            let w = status.candidateWeight(policy).basisPoints
            let nc = perTick * UInt64(w) / 10_000
            let inc = ArmPair(baseline: arm(after: sent.baseline.requests, adding: perTick - nc,
                                            errorRate: baselineErrors, slow: 0),
                              candidate: arm(after: sent.candidate.requests, adding: nc,
                                             errorRate: candidateErrors, slow: slow))
            sent += inc
            let out = ControlTick.run(policy: policy, status: status, state: state, snapshot: sent,
                                      judge: policy.judge.makeJudge(), now: now)
            let v = out.verdict
            text += "\(v.action)|\(v.rule)|\(v.reason)|"
            for e in v.evidence { text += "\(e.guardName)/\(e.test)=\(e.value.bitPattern);" }
            text += "\n"
            count += 1
            state = out.judge
            if let tr = out.transition {
                t = tr
                status = tr.status
                text += "-> \(tr.decision.action) \(tr.status.step)\n"
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        text += String(decoding: (try? encoder.encode(state)) ?? Data(), as: UTF8.self)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return (String(hash, radix: 16), count, status.phase.rawValue)
    }

    /// The fixed runs: name and fingerprint.
    static func all() -> [(String, String)] {
        let seq = policy(judge: .sequential, limits: false), lim = policy(judge: .sequential, limits: true)
        let thr = policy(judge: .threshold, limits: false)
        let runs: [(String, (hash: String, verdicts: Int, phase: String))] = [
            ("healthy", run(seq, ticks: 400, perTick: 1_000)),
            ("errors 2x", run(seq, ticks: 400, perTick: 1_000, candidateErrors: 0.02)),
            ("slow tail", run(seq, ticks: 400, perTick: 1_000, slow: 0.02)),
            ("low traffic", run(seq, ticks: 400, perTick: 37)),
            ("limits", run(lim, ticks: 400, perTick: 300, baselineErrors: 0.03, candidateErrors: 0.04, slow: 0.005)),
            ("threshold", run(thr, ticks: 200, perTick: 1_000, slow: 0.01)),
        ]
        return runs.map { ($0.0, "\($0.1.hash) \($0.1.verdicts) \($0.1.phase)") }
    }
}
