import GlidepathCore
import Testing
@testable import GlidepathServer

/// The status page's in-memory history: compact samples, the 30-minute window, thinning, and the caps.
@Suite struct StatusHistoryTests {
    static let arms = StatusHistory.ArmNames(baseline: "openai", candidate: "holysheep")

    /// `n` requests per arm so far, all in the 100 ms bucket.
    static func counts(_ n: UInt64) -> ArmPair {
        var latency = [UInt64](repeating: 0, count: LatencyBuckets.count)
        latency[LatencyBuckets.index(ofSeconds: 0.1)] = n
        let arm = ArmCounts(requests: n, errors: n / 100, latency: latency)
        return ArmPair(baseline: arm, candidate: arm)
    }

    @Test(arguments: [
        ([UInt64](), 0, [UInt64]()),
        ([0, 0, 0], 0, []),
        ([0, 3, 0, 5, 0, 0], 1, [3, 0, 5]),
        ([7, 0, 1], 0, [7, 0, 1]),
    ])
    func trimmedHistogramsKeepOnlyTheMiddle(_ full: [UInt64], _ offset: Int, _ kept: [UInt64]) {
        let t = TrimmedHistogram(full)
        #expect(t.offset == offset)
        #expect(t.counts == kept)
        #expect(t.full == full)
    }

    @Test func anUnchangedHistogramSharesThePreviousSamplesStorage() {
        let first = HistoryArm(Self.counts(100).baseline)
        let second = HistoryArm(Self.counts(100).baseline, sharing: first)
        #expect(second == first)
        first.latency.counts.withUnsafeBufferPointer { a in
            second.latency.counts.withUnsafeBufferPointer { b in #expect(a.baseAddress == b.baseAddress) }
        }
        #expect(second.counts.latency[LatencyBuckets.index(ofSeconds: 0.1)] == 100)
        #expect(second.counts.latency.count == LatencyBuckets.count)
    }

    @Test func samplesAtTheMigrationsIntervalAtMostTenSecondsApart() {
        let h = StatusHistory()
        #expect(h.wantsSample("m", interval: .seconds(1), now: 0))
        h.record("m", arms: Self.arms, counts: Self.counts(10), at: 0)
        #expect(!h.wantsSample("m", interval: .seconds(1), now: 999))
        #expect(h.wantsSample("m", interval: .seconds(1), now: 1_000))
        #expect(!h.wantsSample("m", interval: .minutes(1), now: 9_999))
        #expect(h.wantsSample("m", interval: .minutes(1), now: 10_000))
        // A repeated time adds nothing.
        h.record("m", arms: Self.arms, counts: Self.counts(20), at: 0)
        #expect(h.samples(migration: "m").map(\.at) == [0])
    }

    @Test func keepsThirtyMinutesPlusTheSampleBeforeTheWindow() {
        let h = StatusHistory()
        for i in 0...200 { h.record("m", arms: Self.arms, counts: Self.counts(UInt64(i)), at: Int64(i) * 10_000) }
        let at = h.samples(migration: "m").map(\.at)
        // now = 2,000 s: the window starts at 200 s, which is itself a sample.
        #expect(at.first == 200_000)
        #expect(at.last == 2_000_000)
        #expect(at.count == 181)
    }

    @Test func aFullRingThinsItsOlderHalfAndLosesNoCount() {
        let h = StatusHistory(capacity: 8)
        for i in 0...8 { h.record("m", arms: Self.arms, counts: Self.counts(UInt64(i) * 10), at: Int64(i) * 1_000) }
        let s = h.samples(migration: "m")
        // Nine samples > 8: of the older half (0...3) every other one stays.
        #expect(s.map(\.at) == [0, 2_000, 4_000, 5_000, 6_000, 7_000, 8_000])
        #expect(s.map(\.baseline.requests) == [0, 20, 40, 50, 60, 70, 80])
    }

    @Test func aNewMigrationBeyondTheCapReplacesTheIdlestOne() {
        let h = StatusHistory(maxMigrations: 2)
        h.record("busy", arms: Self.arms, counts: Self.counts(1), at: 0)
        h.record("idle", arms: Self.arms, counts: Self.counts(5), at: 0)
        h.record("busy", arms: Self.arms, counts: Self.counts(2), at: 10_000)
        h.record("idle", arms: Self.arms, counts: Self.counts(5), at: 10_000)
        h.record("new", arms: Self.arms, counts: Self.counts(1), at: 20_000)
        #expect(h.count == 2)
        #expect(h.samples(migration: "idle").isEmpty)
        #expect(h.samples(migration: "busy").count == 2)
        #expect(h.samples(migration: "new").count == 1)
    }

    @Test func renamedArmsStartANewHistory() {
        let h = StatusHistory()
        h.record("m", arms: Self.arms, counts: Self.counts(10), at: 0)
        h.record("m", arms: Self.arms, counts: Self.counts(20), at: 10_000)
        h.record("m", arms: StatusHistory.ArmNames(baseline: "openai", candidate: "anthropic"), counts: Self.counts(3), at: 20_000)
        #expect(h.samples(migration: "m").map(\.at) == [20_000])
    }

    @Test func theControlLoopSamplesEveryMigrationBetweenItsTicks() throws {
        let w = Fixture.world()
        let slow = Fixture.policy("slow", steps: #"[{"weight": 5, "bake": "1m"}, {"weight": 100}]"#)
            .replacingOccurrences(of: #""interval": "10s""#, with: #""interval": "1m""#)
        #expect(w.router.handle(Fixture.request("PUT", "/v1/migrations/slow", body: slow, headers: Fixture.admin)).status == 201)
        for i in 0..<4 {
            w.source.add(traffic(100), for: "slow")
            let report = w.controller.runOnce(now: Fixture.start + Int64(i) * 10_000, source: w.source)
            #expect(report.ticked == (i == 0 ? ["slow"] : []))
        }
        let samples = w.controller.history.samples(migration: "slow")
        #expect(samples.map(\.at) == [0, 10_000, 20_000, 30_000].map { Fixture.start + $0 })
        #expect(samples.map(\.candidate.requests) == [100, 200, 300, 400])
    }
}
