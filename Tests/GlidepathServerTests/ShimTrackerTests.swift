import Foundation
import PromText
import Testing
@testable import GlidepathServer

@Suite struct ShimTrackerTests {
    let registry = MetricRegistry()
    var gauge: GaugeFamily { registry.gauge("glidepath_shims", help: "test", labels: ["migration", "revision"]) }

    func tracker(cap: Int = 10_000) -> (ShimTracker, GaugeFamily) {
        let g = gauge
        return (ShimTracker(gauge: g, maxPerMigration: cap), g)
    }

    @Test(arguments: [
        ("pod-1", true), ("a", true), ("A.z_0:9-x", true), (String(repeating: "x", count: 64), true),
        (String(repeating: "x", count: 65), false), ("", false), ("pod 1", false), ("pod/1", false),
        ("pöd", false), ("pod\u{1b}[31m", false), ("a\"b", false), (String(repeating: "é", count: 20), false),
    ])
    func charsetAndLength(_ id: String, _ tracked: Bool) {
        let (t, g) = tracker()
        #expect(ShimTracker.isTrackable(id) == tracked)
        #expect(t.note(id, migration: "m", revision: 1, pollAfterMs: 5000, now: 0) == tracked)
        #expect(t.count(migration: "m") == (tracked ? 1 : 0))
        #expect(g.value(labels: ["m", "1"]) == (tracked ? 1 : nil))
    }

    @Test func revisionChangesMoveTheCounts() {
        let (t, g) = tracker()
        for i in 0..<5 { t.note("pod-\(i)", migration: "m", revision: 1, pollAfterMs: 5000, now: 0) }
        t.note("pod-0", migration: "m", revision: 2, pollAfterMs: 5000, now: 100)
        t.note("pod-1", migration: "m", revision: 2, pollAfterMs: 5000, now: 100)
        t.note("pod-1", migration: "m", revision: 2, pollAfterMs: 5000, now: 200)
        t.note("pod-x", migration: "other", revision: 7, pollAfterMs: 5000, now: 200)
        #expect(t.counts(migration: "m") == [1: 3, 2: 2])
        #expect(g.value(labels: ["m", "1"]) == 3)
        #expect(g.value(labels: ["m", "2"]) == 2)
        #expect(g.value(labels: ["other", "7"]) == 1)
        for i in 2..<5 { t.note("pod-\(i)", migration: "m", revision: 2, pollAfterMs: 5000, now: 300) }
        #expect(t.counts(migration: "m") == [2: 5])
        #expect(g.value(labels: ["m", "1"]) == nil)  // the series of a revision nobody holds goes away
    }

    @Test func shimsExpireAfterThreePollIntervalsWithoutAPoll() {
        let (t, g) = tracker()
        t.note("old", migration: "m", revision: 1, pollAfterMs: 1000, now: 0)
        t.note("fresh", migration: "m", revision: 1, pollAfterMs: 1000, now: 0)
        t.note("fresh", migration: "m", revision: 1, pollAfterMs: 1000, now: 2500)
        t.note("other", migration: "m", revision: 2, pollAfterMs: 1000, now: 2999)
        #expect(t.count(migration: "m") == 3)  // "old" was seen 2999 ms ago: still within 3 s
        t.note("other", migration: "m", revision: 2, pollAfterMs: 1000, now: 3000)
        #expect(t.count(migration: "m") == 2)
        #expect(g.value(labels: ["m", "1"]) == 1)
        // With no polls at all, expireAll (run before /metrics renders) empties the gauge.
        t.expireAll(now: 10_000)
        #expect(t.count(migration: "m") == 0)
        #expect(g.value(labels: ["m", "1"]) == nil && g.value(labels: ["m", "2"]) == nil)
        // A shim that comes back is counted again.
        #expect(t.note("old", migration: "m", revision: 3, pollAfterMs: 1000, now: 10_001))
        #expect(g.value(labels: ["m", "3"]) == 1)
    }

    @Test func theCapStopsNewIdsOnlyUntilOldOnesExpire() {
        let (t, g) = tracker(cap: 100)
        for i in 0..<100 { #expect(t.note("s\(i)", migration: "m", revision: 1, pollAfterMs: 1000, now: Int64(i))) }
        #expect(!t.note("late", migration: "m", revision: 1, pollAfterMs: 1000, now: 500))
        #expect(t.count(migration: "m") == 100)
        // Known shims keep being counted at the cap.
        #expect(t.note("s5", migration: "m", revision: 2, pollAfterMs: 1000, now: 600))
        #expect(g.value(labels: ["m", "2"]) == 1)
        // Another migration has its own cap.
        #expect(t.note("late", migration: "n", revision: 1, pollAfterMs: 1000, now: 600))
        // Once the old ones are 3 s stale, new shims get in.
        #expect(t.note("late", migration: "m", revision: 1, pollAfterMs: 1000, now: 3100))
        #expect(t.count(migration: "m") <= 100)
        #expect(t.counts(migration: "m")[1] == t.count(migration: "m") - 1)
        #expect(g.value(labels: ["m", "2"]) == 1)  // s5 polled at 600 is still fresh
    }

    @Test func tenThousandShimsAfterARevisionChangeAreLinear() {
        let (t, g) = tracker()
        let ids = (0..<10_000).map { "pod-\($0)" }
        for id in ids { t.note(id, migration: "m", revision: 1, pollAfterMs: 5000, now: 0) }
        let started = ContinuousClock.now
        for id in ids { t.note(id, migration: "m", revision: 2, pollAfterMs: 5000, now: 1000) }
        let elapsed = ContinuousClock.now - started
        #expect(g.value(labels: ["m", "2"]) == 10_000)
        #expect(g.value(labels: ["m", "1"]) == nil)
        // The quadratic table copy took ~1.8 s for this; linear work is a few milliseconds (debug build).
        #expect(elapsed < .milliseconds(500))
        // 100,000 polls of distinct ids against a full table cost no more per poll.
        let flood = ContinuousClock.now
        for i in 0..<100_000 { t.note("flood-\(i)", migration: "m", revision: 2, pollAfterMs: 5000, now: 2000) }
        #expect(ContinuousClock.now - flood < .seconds(3))
        #expect(t.count(migration: "m") == 10_000)
    }
}
