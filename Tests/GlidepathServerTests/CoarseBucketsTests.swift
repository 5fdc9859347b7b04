import GlidepathCore
import PromText
import Testing
@testable import GlidepathServer

/// `serve --latency-buckets coarse`: fewer bucket lines, and the control loop still reads every
/// observation, each at the coarse bound above it.
@Suite struct CoarseBucketsTests {
    static let lines = """
        openai 200 0.4 ttft_ms=0.9
        openai 200 3.1
        openai 200 47
        openai 200 48 ttft_ms=95.5
        openai 503 812
        openai 200 5000 ttft_ms=2200
        holysheep 200 120000
        holysheep 200 100 ttft_ms=100

        """

    /// A controller exporting at `resolution` after one batch; its own source's reading.
    static func reading(_ resolution: LatencyBuckets.Resolution) throws -> (ArmPair, String) {
        let metrics = ServerMetrics(latency: resolution)
        let controller = Controller(store: FailableStore(), metrics: metrics, time: ManualTimeSource(Fixture.start))
        let router = Router(controller: controller, auth: Authorizer(adminToken: "admin-secret", ingestToken: "ingest-secret"))
        #expect(router.handle(Fixture.request("PUT", "/v1/migrations/m", body: Fixture.policy("m"), headers: Fixture.admin)).status == 201)
        let posted = router.handle(Fixture.request("POST", "/v1/migrations/m/observations", body: lines, headers: Fixture.ingest))
        #expect(posted.status == 202, "\(posted.text)")
        let source = SelfMetricsSource(registry: metrics.registry)
        let pair = try #require(try source.fetch([MetricsQuery(migration: "m", baseline: "openai", candidate: "holysheep")])["m"])
        return (pair, String(decoding: metrics.registry.render(), as: UTF8.self))
    }

    @Test func coarseBoundsAreFineBounds() {
        #expect(LatencyBuckets.coarseBounds.count == 15)
        #expect(LatencyBuckets.coarseBounds.allSatisfy { LatencyBuckets.bounds.contains($0) })
        let fold = LatencyBuckets.fold(into: LatencyBuckets.coarseBounds)
        #expect(fold.count == LatencyBuckets.count)
        #expect(fold.first == 0 && fold.last == 15)
        #expect(zip(fold, fold.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(fold[LatencyBuckets.index(ofSeconds: 0.0012)] == 1)  // (1 ms, 2.2 ms]
        #expect(fold[LatencyBuckets.index(ofSeconds: 47)] == 14)
        #expect(fold[LatencyBuckets.index(ofSeconds: 56)] == 15)  // above 47 s: +Inf
    }

    @Test func theLoopReadsCoarseCountsAtTheirBounds() throws {
        let (fine, fineText) = try Self.reading(.fine)
        let (coarse, coarseText) = try Self.reading(.coarse)
        let fold = LatencyBuckets.fold(into: LatencyBuckets.coarseBounds)
        for arm in Arm.allCases {
            for (f, c) in [(fine[arm].latency, coarse[arm].latency), (fine[arm].ttft, coarse[arm].ttft)] {
                // Each fine count moves to the fine index of the coarse bound above it.
                var expected = [UInt64](repeating: 0, count: LatencyBuckets.count)
                for (i, n) in f.enumerated() {
                    let target = fold[i] < 15 ? LatencyBuckets.bounds.firstIndex(of: LatencyBuckets.coarseBounds[fold[i]])!
                                              : LatencyBuckets.bounds.count
                    expected[target] += n
                }
                #expect(c == expected)
            }
            #expect(coarse[arm].requests == fine[arm].requests && coarse[arm].errors == fine[arm].errors)
            #expect(coarse[arm].latencySum == fine[arm].latencySum)
        }
        #expect(coarse.baseline.latency.reduce(0, +) == 6 && coarse.baseline.ttft.reduce(0, +) == 3)
        func bucketLines(_ text: String) -> Int {
            text.split(separator: "\n").filter { $0.hasPrefix("glidepath_request_duration_seconds_bucket{migration=\"m\",arm=\"openai\"") }.count
        }
        #expect(bucketLines(fineText) == LatencyBuckets.count)
        #expect(bucketLines(coarseText) == 16)
    }
}
