import Foundation
import GlidepathCore
import Testing
@testable import GlidepathServer

/// A metrics source that records which migrations each round asked for.
final class RecordingSource: MetricsSource, @unchecked Sendable {
    let inner = InMemoryMetricsSource()
    private let lock = NSLock()
    private var asked: [[String]] = []

    func fetch(_ queries: [MetricsQuery]) throws -> [String: ArmPair] {
        lock.withLock { asked.append(queries.map(\.migration).sorted()) }
        return try inner.fetch(queries)
    }

    var reads: [[String]] { lock.withLock { asked } }
}

/// The control loop's cost follows the due migrations: aligned rounds, one batch per round, finished
/// migrations left alone.
@Suite struct ScaleRoundTests {
    let w = Fixture.world()

    func put(_ name: String, interval: String) {
        let policy = Fixture.policy(name).replacingOccurrences(of: #""interval": "10s""#, with: #""interval": "\#(interval)""#)
        let r = w.router.handle(Fixture.request("PUT", "/v1/migrations/\(name)", body: policy, headers: Fixture.admin))
        #expect(r.status == 201 || r.status == 200, "\(r.text)")
    }

    @Test("due on the interval's grid", arguments: [
        // (last tick, interval, now, due)
        (nil, 10_000, 5, true),
        (0, 10_000, 9_999, false),
        (0, 10_000, 10_000, true),
        (9_999, 10_000, 10_000, true),     // a late first tick is followed by one at the next grid line
        (10_000, 10_000, 19_999, false),
        (10_250, 10_000, 20_000, true),
        (12_000, 30_000, 29_999, false),
        (12_000, 30_000, 30_000, true),
        (-5, 10_000, 0, true),             // negative steady times floor, not truncate
        (-10_000, 10_000, -1, false),
        (0, 0, 1, true),                   // a zero interval ticks every round
    ] as [(Int64?, Int64, Int64, Bool)])
    func dueOnTheGrid(last: Int64?, interval: Int64, now: Int64, due: Bool) {
        #expect(Ticker.isDue(lastTick: last, interval: interval, now: now) == due)
    }

    /// Mixed intervals: every migration with the same interval is due in the same round, so each round
    /// reads once for all of them, and none waits longer than its interval.
    @Test func mixedIntervalsShareRounds() {
        let source = RecordingSource()
        w.clock.advance(milliseconds: 3_000)  // created off the grid
        put("a10", interval: "10s"); put("b10", interval: "10s"); put("c30", interval: "30s"); put("d1m", interval: "1m")
        var ticked: [Int64: [String]] = [:]
        for second in stride(from: Int64(3), through: 123, by: 1) {
            w.clock.advance(milliseconds: Fixture.start + second * 1_000 + 250 - w.clock.now())
            let report = w.controller.runOnce(now: w.clock.now(), source: source)
            if !report.ticked.isEmpty { ticked[second] = report.ticked }
        }
        // The first round ticks everyone; then each interval's grid lines (steady ms since the epoch).
        #expect(ticked[3] == ["a10", "b10", "c30", "d1m"])
        #expect(ticked[10] == ["a10", "b10"])
        #expect(ticked[20] == ["a10", "b10"])
        #expect(ticked[30] == ["a10", "b10", "c30"])
        #expect(ticked[60] == ["a10", "b10", "c30", "d1m"])
        #expect(ticked[120] == ["a10", "b10", "c30", "d1m"])
        #expect(ticked.keys.sorted() == [3, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120])
        // One read per busy round (the status history's samples ride along).
        #expect(source.reads.count == 13)
    }

    /// A round's judge states are one batch: one store transaction whatever the number of migrations.
    @Test func oneBatchPerRound() throws {
        for name in ["m1", "m2", "m3"] { put(name, interval: "10s") }
        let savesBefore = w.store.saves.count
        w.clock.advance(milliseconds: 10_000)
        let report = w.controller.runOnce(now: w.clock.now(), source: w.source)
        #expect(report.ticked == ["m1", "m2", "m3"])
        #expect(w.store.batches == 1)
        #expect(w.store.saves.count == savesBefore + 3)
        #expect(w.store.saves.suffix(3).map(\.status.migration) == ["m1", "m2", "m3"])
        #expect(w.store.saves.suffix(3).allSatisfy { $0.decision == nil && $0.judge.lastTickAt == w.clock.now() })
    }

    /// A failing batch writes nothing, and no migration's judge state moves in memory either: the next
    /// round takes the same increments again.
    @Test func aFailingBatchChangesNothing() throws {
        for name in ["m1", "m2"] { put(name, interval: "10s") }
        w.clock.advance(milliseconds: 10_000)
        w.controller.runOnce(now: w.clock.now(), source: w.source)  // snapshots taken
        let before = w.controller.allEntries().map(\.judge)
        let saves = w.store.saves.count
        w.store.failSaves = true
        w.clock.advance(milliseconds: 10_000)
        w.source.add(traffic(50), for: "m1")
        let report = w.controller.runOnce(now: w.clock.now(), source: w.source)
        #expect(report.ticked == ["m1", "m2"])
        #expect(w.store.saves.count == saves)
        #expect(w.controller.allEntries().map(\.judge) == before)
        #expect(!w.controller.isReady)
        w.store.failSaves = false
        w.clock.advance(milliseconds: 10_000)
        w.controller.runOnce(now: w.clock.now(), source: w.source)
        #expect(w.controller.entry("m1")?.judge.step.baseline.requests == 50)
        #expect(w.controller.isReady)
    }

    /// Finished migrations are not read; a restart counts only traffic after its first tick.
    @Test func finishedMigrationsAreNotReadAndARestartStartsFresh() throws {
        let source = RecordingSource()
        put("live", interval: "10s"); put("done", interval: "10s")
        _ = try w.controller.perform(.rollback, migration: "done", reason: "bad")
        w.clock.advance(milliseconds: 10_000)
        w.controller.runOnce(now: w.clock.now(), source: source)
        #expect(source.reads.last == ["live"])
        // Traffic while it is over (the candidate failing) is never evidence after the restart.
        source.inner.add(traffic(100, baselineErrors: 1, candidateErrors: 90), for: "done")
        w.clock.advance(milliseconds: 10_000)
        w.controller.runOnce(now: w.clock.now(), source: source)
        #expect(source.reads.last == ["live"])
        _ = try w.controller.perform(.restart, migration: "done", reason: nil)
        #expect(w.controller.entry("done")?.judge.lastSnapshot == nil)
        w.clock.advance(milliseconds: 10_000)
        w.controller.runOnce(now: w.clock.now(), source: source)
        #expect(source.reads.last == ["done", "live"])
        let first = try #require(w.controller.entry("done"))
        #expect(first.judge.lastVerdict?.rule == .snapshot)
        #expect(first.judge.step.candidate.requests == 0)
        source.inner.add(traffic(40), for: "done")
        w.clock.advance(milliseconds: 10_000)
        w.controller.runOnce(now: w.clock.now(), source: source)
        let second = try #require(w.controller.entry("done"))
        #expect(second.status.phase == .ramping)
        #expect(second.judge.step.candidate.requests == 40 && second.judge.step.candidate.errors == 0)
    }

    /// The own source reads a few migrations at a time; the answer is the same as in one go.
    @Test func theOwnSourceReadsInChunks() throws {
        let names = ["m1", "m2", "m3", "m4", "m5"]
        for (i, name) in names.enumerated() {
            put(name, interval: "10s")
            let lines = String(repeating: "openai 200 \(10 * (i + 1))\nholysheep 503 \(300 + i)\n", count: i + 1)
            let r = w.router.handle(Fixture.request("POST", "/v1/migrations/\(name)/observations", body: lines,
                                                    headers: Fixture.ingest))
            #expect(r.status == 202)
        }
        let queries = names.map { MetricsQuery(migration: $0, baseline: "openai", candidate: "holysheep") }
        let whole = try SelfMetricsSource(registry: w.controller.metrics.registry, chunk: 100).fetch(queries)
        let chunked = try SelfMetricsSource(registry: w.controller.metrics.registry, chunk: 2).fetch(queries)
        #expect(whole.keys.sorted() == names)
        #expect(chunked == whole)
        #expect(whole["m4"]?.candidate.errors == 4 && whole["m4"]?.baseline.requests == 4)
    }
}
