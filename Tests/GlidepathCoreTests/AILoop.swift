#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import GlidepathCore

/// What one arm's requests look like in `AILoop`: error rate, latency and TTFT as shares of buckets
/// (nil TTFT: not reported), and tokens per successful request (lognormal with this mean and
/// coefficient of variation; `tokensCV` 0: exactly the mean).
struct ArmTraffic: Sendable {
    var errorRate = 0.01
    var latency: [(Int, Double)] = ArmTraffic.normalLatency
    var ttft: [(Int, Double)]? = ArmTraffic.normalTTFT
    var tokensMean = 400.0
    var tokensCV = 1.0
    /// Per `guards.custom` entry, the share of requests that are bad events; the loop reports them as the
    /// guard's kind counts them (bad events, or good ones). Empty: the source reports no custom counter.
    var customBad: [Double] = []

    /// Latency in the shape of `SeqLoop`'s: p50 100 ms, p90 150 ms, p99 270 ms, tail at 1 s.
    static let normalLatency: [(Int, Double)] = [(24, 0.5), (26, 0.4), (29, 0.09), (36, 0.01)]
    /// TTFT: p50 47 ms, p90 68 ms, p99 100 ms, tail at 180 ms.
    static let normalTTFT: [(Int, Double)] = [(20, 0.5), (22, 0.4), (24, 0.09), (27, 0.01)]
    /// The same four shares four buckets higher (× 2.1 to 2.3): TTFT p90 from 68 ms to 150 ms.
    static let doubledTTFT: [(Int, Double)] = [(24, 0.5), (26, 0.4), (28, 0.09), (31, 0.01)]
}

/// Seeded random traffic through `ControlTick.run`, with TTFT and tokens: every request draws its
/// outcome, latency bucket, TTFT bucket and tokens from a SplitMix64 stream, so a run is the same
/// every time.
struct AILoop {
    var policy: Policy
    var status: MigrationStatus
    var state: JudgeState
    var sent = ArmPair.zero
    var now: Int64 = 0
    var verdicts: [Verdict] = []
    var transitions: [Transition] = []
    var rng: UInt64

    init(policy: Policy, seed: UInt64 = 1) {
        self.policy = policy
        let t = StateMachine.start(policy: policy, policyVersion: 1, now: 0)
        status = t.status
        state = t.judge
        state.lastSnapshot = .zero
        rng = seed
    }

    mutating func next() -> Double {
        rng &+= 0x9E37_79B9_7F4A_7C15
        var z = rng
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1.0p-53
    }

    mutating func bucket(_ shape: [(Int, Double)]) -> Int {
        var u = next()
        for (b, share) in shape {
            if u < share { return b }
            u -= share
        }
        return shape[shape.count - 1].0
    }

    mutating func tokens(_ t: ArmTraffic) -> UInt64 {
        guard t.tokensCV > 0 else { return UInt64(t.tokensMean.rounded()) }
        let s2 = log(1 + t.tokensCV * t.tokensCV)
        let z = sqrt(-2 * log(max(next(), 1e-300))) * cos(2 * Double.pi * next())
        return UInt64((t.tokensMean * exp(sqrt(s2) * z - s2 / 2)).rounded())
    }

    mutating func arm(_ n: UInt64, _ t: ArmTraffic) -> ArmCounts {
        var a = ArmCounts(requests: n, latency: [UInt64](repeating: 0, count: LatencyBuckets.count))
        if t.ttft != nil { a.ttft = [UInt64](repeating: 0, count: LatencyBuckets.count) }
        for _ in 0..<n {
            let error = next() < t.errorRate
            if error { a.errors += 1 } else { a.tokens += tokens(t) }
            a.latency[bucket(t.latency)] += 1
            if let shape = t.ttft { a.ttft[bucket(shape)] += 1 }
        }
        for (i, rate) in t.customBad.enumerated() {
            var bad: UInt64 = 0
            for _ in 0..<n where next() < rate { bad += 1 }
            let good = i < policy.guards.custom.count && policy.guards.custom[i].kind == .good
            a.custom.append(good ? n - bad : bad)
        }
        return a
    }

    mutating func tick(perTick: UInt64, baseline: ArmTraffic = ArmTraffic(), candidate: ArmTraffic = ArmTraffic()) {
        now += 10_000
        let nc = perTick * UInt64(status.candidateWeight(policy).basisPoints) / 10_000
        let inc = ArmPair(baseline: arm(perTick - nc, baseline), candidate: arm(nc, candidate))
        sent += inc
        let out = ControlTick.run(policy: policy, status: status, state: state, snapshot: sent,
                                  judge: policy.judge.makeJudge(), now: now)
        verdicts.append(out.verdict)
        state = out.judge
        if let t = out.transition {
            status = t.status
            transitions.append(t)
        }
    }

    mutating func run(limit: Int, perTick: UInt64, baseline: ArmTraffic = ArmTraffic(),
                      candidate: ArmTraffic = ArmTraffic()) {
        for _ in 0..<limit where !status.phase.isTerminal {
            tick(perTick: perTick, baseline: baseline, candidate: candidate)
        }
    }
}
