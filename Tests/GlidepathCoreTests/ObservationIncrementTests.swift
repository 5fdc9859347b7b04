import Foundation
import Testing
@testable import GlidepathCore

@Suite struct ObservationIncrementTests {
    private func counts(_ r: UInt64, _ e: UInt64, _ c: UInt64 = 0, latency: [UInt64] = [], sum: Double = 0,
                        tokens: UInt64 = 0) -> ArmCounts {
        ArmCounts(requests: r, errors: e, clientErrors: c, latency: latency, latencySum: sum, tokens: tokens)
    }

    @Test func incrementIsTheDifference() {
        let before = counts(100, 5, 2, latency: [60, 40, 0], sum: 10, tokens: 7)
        let after = counts(150, 6, 2, latency: [80, 60, 10], sum: 16, tokens: 9)
        #expect(after.increment(since: before) == counts(50, 1, 0, latency: [20, 20, 10], sum: 6, tokens: 2))
    }

    @Test func aDropMeansARestartAndTheCurrentValueIsTheIncrement() {
        let before = counts(100, 5, latency: [60, 40], sum: 10)
        let afterRestart = counts(30, 1, latency: [20, 10], sum: 3)
        #expect(afterRestart.increment(since: before) == afterRestart)
        // One bucket going down is enough, even when the totals grew.
        let bucketDrop = counts(120, 6, latency: [59, 61], sum: 12)
        #expect(bucketDrop.increment(since: before) == bucketDrop)
    }

    @Test func resetIsJudgedPerArm() {
        let before = ArmPair(baseline: counts(100, 1), candidate: counts(50, 2))
        let after = ArmPair(baseline: counts(110, 1), candidate: counts(4, 0))
        #expect(after.increment(since: before) == ArmPair(baseline: counts(10, 0), candidate: counts(4, 0)))
    }

    @Test func noPreviousSnapshotMeansEverythingIsNew() {
        let snap = ArmPair(baseline: counts(10, 1), candidate: counts(3, 0))
        #expect(snap.increment(since: nil) == snap)
    }

    @Test func histogramAppearingLaterIsAnIncrement() {
        let after = counts(2, 0, latency: [1, 1], sum: 0.5)
        #expect(after.increment(since: counts(0, 0)) == after)
        #expect(counts(2, 0).increment(since: counts(2, 0)) == counts(0, 0))
    }

    @Test func mergeAddsCountersAndBuckets() {
        var a = counts(1, 1, latency: [1, 0], sum: 1, tokens: 1)
        a += counts(2, 0, 1, latency: [], sum: 2, tokens: 3)
        a += counts(1, 0, latency: [0, 2], sum: 0.5)
        #expect(a == counts(4, 1, 1, latency: [1, 2], sum: 3.5, tokens: 4))
        #expect(counts(0, 0) + counts(5, 1, 1) == counts(5, 1, 1))
        #expect(counts(10, 2, 2).errorRate == 0.25)
        #expect(counts(0, 0).errorRate == 0)
    }

    @Test func timeToFirstTokenIsAnIncrementLikeLatency() {
        var before = counts(10, 0)
        before.ttft = [4, 6]
        before.ttftSum = 2
        var after = counts(20, 0)
        after.ttft = [9, 11]
        after.ttftSum = 3.5
        var expected = counts(10, 0)
        expected.ttft = [5, 5]
        expected.ttftSum = 1.5
        #expect(after.increment(since: before) == expected)
        // A TTFT bucket going down is a restart: the whole current value is the increment.
        var restarted = counts(30, 0)
        restarted.ttft = [1, 0]
        restarted.ttftSum = 0.1
        #expect(restarted.increment(since: before) == restarted)
        // Merging adds the buckets.
        var sum = before
        sum += after
        #expect(sum.ttft == [13, 17] && sum.ttftSum == 5.5)
    }

    @Test func countsStoredBeforeTTFTDecode() throws {
        let old = #"{"requests":5,"errors":1,"clientErrors":0,"latency":[],"latencySum":0.5,"tokens":7}"#
        let decoded = try JSONDecoder().decode(ArmCounts.self, from: Data(old.utf8))
        #expect(decoded == ArmCounts(requests: 5, errors: 1, latencySum: 0.5, tokens: 7))
        var withTTFT = decoded
        withTTFT.ttft = [1, 2]
        withTTFT.ttftSum = 0.25
        let again = try JSONDecoder().decode(ArmCounts.self, from: JSONEncoder().encode(withTTFT))
        #expect(again == withTTFT)
    }
}
