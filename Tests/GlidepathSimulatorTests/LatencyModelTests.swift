import GlidepathCore
import Testing
@testable import GlidepathSimulator

@Suite struct LatencyModelTests {
    @Test func bucketProbabilitiesSumToOne() {
        for model in [LatencyModel.standard, .lognormal(medianSeconds: 0.15, sigma: 0.5),
                      Scenario.named("S4b")!.candidateLatency] {
            let p = model.bucketProbabilities
            #expect(p.count == LatencyBuckets.count)
            #expect(abs(p.reduce(0, +) - 1) < 1e-12)
            #expect(p.allSatisfy { $0 >= 0 })
        }
    }

    @Test func theMedianFallsInTheBucketOfItsValue() {
        // 100 ms is a bound: P(≤ 0.1 s) is exactly one half, so the bucket ending at 0.1 s closes the lower half.
        let p = LatencyModel.standard.bucketProbabilities
        let i = LatencyBuckets.index(ofSeconds: 0.1)
        #expect(LatencyBuckets.bounds[i] == 0.1)
        #expect(abs(p[0...i].reduce(0, +) - 0.5) < 1e-12)
        // 150 ms lies in (0.12, 0.15]: cumulative probability crosses one half inside that bucket.
        let q = LatencyModel.lognormal(medianSeconds: 0.15, sigma: 0.5).bucketProbabilities
        let j = LatencyBuckets.index(ofSeconds: 0.15)
        #expect(abs(q[0...j].reduce(0, +) - 0.5) < 1e-12)
    }

    @Test func quantilesOfTheStandardModel() {
        let m = LatencyModel.standard
        #expect(abs(m.quantile(0.5) - 0.1) < 1e-5)
        // exp(0.5 × 2.3263) × 100 ms ≈ 320 ms.
        #expect(abs(m.quantile(0.99) - 0.32001) < 1e-4)
    }

    @Test func tailRegressionRaisesP99ByHalfAndBarelyMovesTheMedian() {
        let base = LatencyModel.standard
        let tail = Scenario.named("S4b")!.candidateLatency
        #expect(abs(tail.quantile(0.99) / base.quantile(0.99) - 1.5) < 1e-4)
        #expect(abs(tail.quantile(0.5) / base.quantile(0.5) - 1) < 0.02)
        #expect(abs(tail.components[1].weight - 0.0172) < 0.001)
    }

    @Test func sampledHistogramsAddUpToTheRequests() {
        var rng = Xoshiro256(seed: 5)
        let sampler = ArmSampler(latency: .standard)
        var counts = ArmCounts()
        for mean in [0.0, 0.4, 3, 80, 5000] {
            sampler.draw(meanRequests: mean, errorRate: 0.01, into: &counts, rng: &rng)
            #expect(counts.latency.isEmpty || counts.latency.reduce(0, +) == counts.requests)
            #expect(counts.errors <= counts.requests)
        }
        #expect(counts.requests > 4500 && counts.requests < 5500)
    }

    @Test func sampledHistogramsFollowTheModel() {
        var rng = Xoshiro256(seed: 17)
        var counts = ArmCounts()
        ArmSampler(latency: .standard).draw(meanRequests: 200_000, errorRate: 0.01, into: &counts, rng: &rng)
        let n = Double(counts.requests)
        let atMost100ms = Double(counts.latency[0...LatencyBuckets.index(ofSeconds: 0.1)].reduce(0, +))
        let above330ms = Double(counts.latency[(LatencyBuckets.index(ofSeconds: 0.33) + 1)...].reduce(0, +))
        #expect(abs(atMost100ms / n - 0.5) < 0.005)
        // P(latency > 330 ms) = 1 − Φ(ln 3.3 / 0.5) ≈ 0.84 %.
        #expect(abs(above330ms / n - 0.0084) < 0.001)
        #expect(abs(Double(counts.errors) / n - 0.01) < 0.002)
    }
}
