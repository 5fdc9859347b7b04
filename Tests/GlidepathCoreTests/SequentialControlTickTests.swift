import Testing
@testable import GlidepathCore

/// Deterministic traffic for the sequential judge: `perTick` requests split by the current weight, bad
/// events spread evenly (the floor of the running expectation), latency in the shape of
/// `LatencyThresholdTests.baseline`, or all slower than 1 s for `slowCandidate`.
struct SeqLoop {
    var policy: Policy
    var status: MigrationStatus
    var state = JudgeState.initial
    var snapshot = ArmPair.zero
    var sent = ArmPair.zero
    var now: Int64 = 0
    var verdicts: [Verdict] = []
    var transitions: [Transition] = []

    init(policy: Policy) {
        self.policy = policy
        let t = StateMachine.start(policy: policy, policyVersion: 1, now: 0)
        status = t.status
        state = t.judge
        state.lastSnapshot = snapshot  // the counters start at zero, and the loop has seen them
    }

    /// `count` of `total` so far at `rate`, spread evenly.
    static func spread(_ total: UInt64, _ rate: Double) -> UInt64 { UInt64((Double(total) * rate).rounded(.down)) }

    static func arm(after total: UInt64, adding n: UInt64, errorRate: Double, slow: Bool) -> ArmCounts {
        var h = [UInt64](repeating: 0, count: LatencyBuckets.count)
        let shape: [(Int, Double)] = slow ? [(40, 1)] : [(24, 0.5), (26, 0.4), (29, 0.09), (36, 0.01)]
        var left = n
        for (i, (bucket, share)) in shape.enumerated() {
            let c = i == shape.count - 1 ? left : spread(total + n, share) - spread(total, share)
            h[bucket] = c
            left -= c
        }
        return ArmCounts(requests: n, errors: spread(total + n, errorRate) - spread(total, errorRate), latency: h)
    }

    mutating func tick(perTick: UInt64, baselineErrors: Double = 0.01, candidateErrors: Double = 0.01,
                       slowCandidate: Bool = false, every: Int64 = 10_000) {
        now += every
        let w = status.candidateWeight(policy).basisPoints
        // A shadow step's mirrored copies are candidate evidence on top of the live split.
        let nc = perTick * UInt64(max(w, status.mirror(policy).basisPoints)) / 10_000
        let inc = ArmPair(baseline: Self.arm(after: sent.baseline.requests, adding: perTick - perTick * UInt64(w) / 10_000,
                                             errorRate: baselineErrors, slow: false),
                          candidate: Self.arm(after: sent.candidate.requests, adding: nc,
                                              errorRate: candidateErrors, slow: slowCandidate))
        sent += inc
        snapshot += inc
        let out = ControlTick.run(policy: policy, status: status, state: state, snapshot: snapshot,
                                  judge: policy.judge.makeJudge(), now: now)
        verdicts.append(out.verdict)
        state = out.judge
        if let t = out.transition {
            status = t.status
            transitions.append(t)
        }
    }

    /// Ticks until terminal or `limit` ticks.
    mutating func run(limit: Int, perTick: UInt64, baselineErrors: Double = 0.01, candidateErrors: Double = 0.01,
                      slowCandidate: Bool = false) {
        for _ in 0..<limit where !status.phase.isTerminal {
            tick(perTick: perTick, baselineErrors: baselineErrors, candidateErrors: candidateErrors,
                 slowCandidate: slowCandidate)
        }
    }
}

@Suite struct SequentialControlTickTests {
    /// 5/10/25/50/100 % with 2-minute bakes, the sequential judge, 1,000 requests per 10-s tick (100 req/s).
    static let policy = Fixture.policy(steps: [5, 10, 25, 50, 100].map { Fixture.step($0, bake: .minutes(2)) })
        .with(judge: .sequential)

    @Test("a candidate failing 10× as often is rolled back within a few ticks at 100 req/s")
    func tenTimesIsRolledBack() throws {
        var loop = SeqLoop(policy: Self.policy)
        loop.run(limit: 30, perTick: 1_000, candidateErrors: 0.1)
        #expect(loop.status.phase == .rolledBack)
        #expect(loop.verdicts.count <= 4)
        let last = try #require(loop.verdicts.last)
        #expect(last.action == .rollback && last.rule == .errorEvidence)
        #expect(last.reason.hasPrefix("candidate error rate 10.0% vs baseline 1.0% after "))
        // Step 0 (5 %) gets 20/36 of alpha 0.01 (see the alpha-split test): a threshold of 180.
        #expect(last.reason.hasSuffix("≥ 180 (99% confidence over 4 steps)"))
        let combined = try #require(last.evidence.first { $0.guardName == .combined && $0.test == .rollbackEValue })
        #expect(combined.value >= 180)
        let threshold = try #require(last.evidence.first { $0.guardName == .combined && $0.test == .rollbackThreshold })
        #expect(abs(threshold.value - 180) < 1e-9)
    }

    @Test("a healthy candidate is promoted, waiting at each step for evidence and the bake")
    func healthyIsPromoted() throws {
        var loop = SeqLoop(policy: Self.policy)
        loop.run(limit: 400, perTick: 1_000)
        #expect(loop.status.phase == .promoted)
        #expect(loop.transitions.map(\.decision.action) == [.advance, .advance, .advance, .advance, .promote])
        #expect(!loop.verdicts.contains { $0.action == .rollback })
        // Step 0 waits for the safety evidence past its 2-minute bake.
        let firstAdvance = try #require(loop.verdicts.firstIndex { $0.action == .advance })
        #expect(firstAdvance > 12)
        #expect(loop.verdicts[firstAdvance].reason.hasPrefix(
            "safe: candidate no worse than 2.0× the baseline on errors and p50/p90/p99 latency (evidence ≥ 20 each) after "))
        #expect(loop.verdicts[firstAdvance].reason.hasSuffix(" candidate requests; bake done"))
        #expect(loop.verdicts[0].rule == .minRequests)
        #expect(loop.verdicts.contains { $0.rule == .evidence && $0.reason.contains("waiting for evidence") })
        #expect(loop.now <= 15 * 60_000)
    }

    @Test("a candidate whose every request is slower than 1 s is rolled back on latency")
    func slowIsRolledBack() throws {
        var loop = SeqLoop(policy: Self.policy)
        loop.run(limit: 30, perTick: 1_000, slowCandidate: true)
        #expect(loop.status.phase == .rolledBack)
        #expect(loop.verdicts.count <= 4)
        let last = try #require(loop.verdicts.last)
        #expect(last.rule == .latencyEvidence)
        #expect(last.reason.hasPrefix("candidate share of requests slower than the baseline's p"))
    }
}
