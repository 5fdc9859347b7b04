import Testing
@testable import GlidepathCore

@Suite struct LatencyThresholdTests {
    /// 1,000 baseline requests: 500 in (82 ms, 100 ms], 400 in (120, 150], 90 in (220, 270], 10 in (820 ms, 1 s].
    static let baseline: [UInt64] = {
        var h = [UInt64](repeating: 0, count: LatencyBuckets.count)
        h[24] = 500; h[26] = 400; h[29] = 90; h[36] = 10
        return h
    }()

    @Test("quantiles round up to the bucket bound that holds them", arguments: [
        (0.5, 0.1), (0.9, 0.15), (0.99, 0.27), (0.999, 1.0), (0.25, 0.1), (0.95, 0.27),
    ])
    func roundsUp(q: Double, seconds: Double) throws {
        let index = try #require(LatencyThresholds.bucketIndex(quantile: q, histogram: Self.baseline))
        #expect(LatencyBuckets.bounds[index] == seconds)
    }

    @Test("requests above a threshold are the buckets past it", arguments: [(24, 500), (26, 100), (29, 10), (36, 0), (58, 0)])
    func countsAbove(index: Int, above: UInt64) {
        #expect(LatencyThresholds.countAbove(index: index, histogram: Self.baseline) == above)
    }

    @Test("no data, no threshold; the +Inf bucket answers the highest bound")
    func edges() {
        #expect(LatencyThresholds.bucketIndex(quantile: 0.5, histogram: []) == nil)
        var h = [UInt64](repeating: 0, count: LatencyBuckets.count)
        h[LatencyBuckets.count - 1] = 10
        #expect(LatencyThresholds.bucketIndex(quantile: 0.5, histogram: h) == LatencyBuckets.bounds.count - 1)
        #expect(LatencyThresholds.countAbove(index: LatencyBuckets.bounds.count - 1, histogram: h) == 10)
    }

    @Test("a threshold needs at least 100 baseline requests, and about 3 above it",
          arguments: [(0.5, 100), (0.9, 100), (0.99, 300), (0.999, 3_000)] as [(Double, UInt64)])
    func minimumBaseline(q: Double, n: UInt64) {
        #expect(LatencyThresholds.minimumBaseline(for: q) == n)
    }

    @Test("warm-up: thresholds freeze from the step's own baseline and count from the next tick")
    func warmUp() throws {
        let policy = Fixture.policy(minRequests: 10).with(judge: .sequential)
        let status = Fixture.status(.ramping, step: 0, revision: 1, stepStartedAt: 0)
        // Every candidate request is slower than 1 s, the baseline has the shape above.
        var slow = [UInt64](repeating: 0, count: LatencyBuckets.count)
        slow[40] = 50
        let tick = ArmPair(baseline: ArmCounts(requests: 1_000, errors: 10, latency: Self.baseline),
                           candidate: ArmCounts(requests: 50, errors: 0, latency: slow))
        let first = SequentialJudge().assess(JudgeInput(policy: policy, status: status, step: tick, tick: tick,
                                                        memory: JudgeMemory()), now: 10_000)
        let m1 = try #require(first.memory.sequential)
        #expect(m1.latency.map(\.seconds) == [0.1, 0.15, 0.27, nil])
        #expect(m1.latency.allSatisfy { $0.state.rollback.eValue == 1 && $0.state.candidateTrials == 0 })

        let second = SequentialJudge().assess(JudgeInput(policy: policy, status: status, step: tick + tick, tick: tick,
                                                         memory: first.memory), now: 20_000)
        let m2 = try #require(second.memory.sequential)
        #expect(m2.latency[2].state.candidateEvents == 50 && m2.latency[2].state.baselineEvents == 10)
        #expect(m2.latency[2].state.rollback.eValue > 1_000)
        #expect(m2.latency[3].bucket == nil)
    }

    @Test("the previous step's baseline histogram is carried into the next step and used at once")
    func carriedThroughTheStepReset() throws {
        // 5,000 baseline requests: enough for every threshold, so only this step's histogram is kept.
        let big = Self.baseline.map { $0 * 5 }
        var state = JudgeState(step: ArmPair(baseline: ArmCounts(requests: 5_000, latency: big)),
                               memory: JudgeMemory(sequential: SequentialMemory()))
        state.memory.sequential?.previousBaseline = [1, 2, 3]
        let next = state.resetForNewStep()
        #expect(next.step == .zero)
        #expect(next.memory.sequential?.previousBaseline == big)
        #expect(next.memory.sequential?.ticks == 0)
        // Too few baseline requests to estimate p99.9 (3,000 needed): the older histogram is added.
        state.step.baseline = ArmCounts(requests: 1_000, latency: Self.baseline)
        let old = [UInt64](repeating: 100, count: LatencyBuckets.count)
        state.memory.sequential?.previousBaseline = old
        #expect(state.resetForNewStep().memory.sequential?.previousBaseline == zip(Self.baseline, old).map { $0 + $1 })
        // The threshold judge's memory stays blank.
        #expect(JudgeState(step: state.step).resetForNewStep().memory == JudgeMemory())

        let policy = Fixture.policy(minRequests: 10).with(judge: .sequential)
        let status = Fixture.status(.ramping, step: 1, revision: 2, stepStartedAt: 0)
        var slow = [UInt64](repeating: 0, count: LatencyBuckets.count)
        slow[40] = 50
        let tick = ArmPair(baseline: ArmCounts(requests: 100, latency: Fixture.latency(100, inBucket: 24)),
                           candidate: ArmCounts(requests: 50, latency: slow))
        let out = SequentialJudge().assess(JudgeInput(policy: policy, status: status, step: tick, tick: tick,
                                                      memory: next.memory), now: 10_000)
        let m = try #require(out.memory.sequential)
        #expect(m.latency.map(\.seconds) == [0.1, 0.15, 0.27, 1.0])
        #expect(m.latency[0].state.candidateEvents == 50 && m.latency[0].state.baselineEvents == 0)
    }
}

extension Policy {
    /// A copy with another judge.
    func with(judge: JudgeKind) -> Policy {
        var p = self
        p.judge = judge
        return p
    }
}
