import Foundation
import GlidepathCore
import PromText
import Testing
@testable import GlidepathServer

/// What keeps a round small with thousands of migrations: spread grids, no re-read of unchanged series,
/// no write for a tick that only moved the clock.
@Suite struct ScaleCacheTests {
    let w = Fixture.world()

    func put(_ name: String) {
        let r = w.router.handle(Fixture.request("PUT", "/v1/migrations/\(name)", body: Fixture.policy(name), headers: Fixture.admin))
        #expect(r.status == 201 || r.status == 200, "\(r.text)")
    }

    func observe(_ name: String, _ lines: String) {
        let r = w.router.handle(Fixture.request("POST", "/v1/migrations/\(name)/observations", body: lines, headers: Fixture.ingest))
        #expect(r.status == 202, "\(r.text)")
    }

    @Test("phase is a stable hash of the name within the interval", arguments: [
        ("chat-completions", 10_000), ("scale-00001", 10_000), ("scale-00002", 10_000), ("a", 60_000), ("a", 1), ("a", 0),
    ] as [(String, Int64)])
    func phaseIsStableAndInRange(name: String, interval: Int64) {
        let p = Ticker.phase(of: name, interval: interval)
        #expect(p == Ticker.phase(of: name, interval: interval))
        #expect(p >= 0 && p < max(1, interval))
        if interval > 1 {
            let expected = Int64(Bucketing.mix64(Bucketing.fnv1a64(name.utf8)) % UInt64(interval))
            #expect(p == expected)
        }
    }

    @Test("due on a shifted grid", arguments: [
        // (last tick, interval, now, phase, due)
        (0, 10_000, 2_999, 3_000, false),
        (0, 10_000, 3_000, 3_000, true),
        (3_000, 10_000, 12_999, 3_000, false),
        (3_000, 10_000, 13_000, 3_000, true),
        (3_500, 10_000, 13_000, 3_000, true),   // a late tick is followed by one on the next line
        (0, 10_000, 3_000, 13_000, true),       // phases wrap into the interval
        (0, 10_000, 3_000, -7_000, true),
    ] as [(Int64, Int64, Int64, Int64, Bool)])
    func dueOnAShiftedGrid(last: Int64, interval: Int64, now: Int64, phase: Int64, due: Bool) {
        #expect(Ticker.isDue(lastTick: last, interval: interval, now: now, phase: phase) == due)
    }

    /// 40 migrations on a 10 s interval, rounds every 100 ms: each ticks once per interval on its own
    /// grid, and no round judges more than a handful.
    @Test func spreadRoundsJudgeAFewAtATime() {
        let names = (0..<40).map { "m\($0)" }
        for name in names { put(name) }
        let ticker = Ticker(controller: w.controller, spread: true)
        var ticks: [String: [Int64]] = [:]
        var perRound: [Int] = []
        let start = w.clock.now()
        for _ in 0..<400 {  // 40 s
            w.clock.advance(milliseconds: 100)
            let report = ticker.round(at: TimeReading(w.clock.now()), source: w.source)
            perRound.append(report.ticked.count)
            for name in report.ticked { ticks[name, default: []].append(w.clock.now() - start) }
        }
        #expect(perRound[0] == 40)  // everyone's first tick
        #expect(perRound.dropFirst().max() ?? 0 <= 6)
        for name in names {
            let t = ticks[name] ?? []
            #expect(t.count == 4 || t.count == 5, "\(name): \(t)")
            for (a, b) in zip(t.dropFirst(), t.dropFirst(2)) { #expect(b - a == 10_000, "\(name): \(t)") }
            let phase = Ticker.phase(of: name, interval: 10_000)
            for t in t.dropFirst() { #expect((start + t - phase) % 10_000 < 100, "\(name) at \(t), phase \(phase)") }
        }
    }

    /// The own source renders and parses a migration again only when its counted series changed; the
    /// counts are what a fresh read gives.
    @Test func unchangedMigrationsAreNotParsedAgain() throws {
        for name in ["m1", "m2"] { put(name) }
        observe("m1", "openai 200 10\nholysheep 503 300\n")
        observe("m2", "openai 200 10\n")
        let registry = w.controller.metrics.registry
        let source = SelfMetricsSource(registry: registry)
        let queries = ["m1", "m2"].map { MetricsQuery(migration: $0, baseline: "openai", candidate: "holysheep") }
        let first = try source.fetch(queries)
        #expect(source.parses == 1)
        #expect(try source.fetch(queries) == first)
        #expect(source.parses == 1)
        // Gauges the control loop sets (evidence, weights) are not counted series.
        w.clock.advance(milliseconds: 10_000)
        w.controller.runOnce(now: w.clock.now(), source: source)
        #expect(source.parses == 1)
        observe("m2", "holysheep 200 20\n")
        let second = try source.fetch(queries)
        #expect(source.parses == 2)
        #expect(second == (try SelfMetricsSource(registry: registry).fetch(queries)))
        #expect(second["m2"]?.candidate.requests == 1 && second["m1"] == first["m1"])
        // Another arm pair for the same migration is a different question.
        let renamed = [MetricsQuery(migration: "m1", baseline: "openai", candidate: "other")]
        #expect(try source.fetch(renamed)["m1"]?.candidate.requests == 0)
        #expect(source.parses == 3)
    }

    /// A tick with no new data changes only the tick time and verdict: nothing is written. A tick with
    /// data writes its judge state.
    @Test func anIdleTickWritesNothing() throws {
        put("m1")
        w.clock.advance(milliseconds: 10_000)
        w.controller.runOnce(now: w.clock.now(), source: w.source)  // first tick: the snapshot is written
        w.clock.advance(milliseconds: 10_000)
        w.controller.runOnce(now: w.clock.now(), source: w.source)  // the judge's memory starts: written
        let saves = w.store.saves.count
        #expect(w.store.saves.last?.judge.memory.sequential != nil)
        w.clock.advance(milliseconds: 10_000)
        let report = w.controller.runOnce(now: w.clock.now(), source: w.source)
        #expect(report.ticked == ["m1"])
        #expect(w.store.saves.count == saves)
        #expect(w.controller.entry("m1")?.judge.lastTickAt == w.clock.now())  // memory moved
        w.source.add(traffic(20), for: "m1")
        w.clock.advance(milliseconds: 10_000)
        w.controller.runOnce(now: w.clock.now(), source: w.source)
        #expect(w.store.saves.count == saves + 1)
        #expect(w.store.saves.last?.judge.step.baseline.requests == 20)
        #expect(w.store.saves.last?.judge.lastTickAt == w.clock.now())
    }

    @Test func onlyTickMovedComparesEverythingElse() {
        var a = JudgeState(lastTickAt: 1)
        var b = a
        b.lastTickAt = 2
        b.lastVerdict = Verdict(action: .hold, rule: .noData, reason: "x", evidence: [])
        #expect(Ticker.onlyTickMoved(from: a, to: b))
        b.lastDataAt = 2
        #expect(!Ticker.onlyTickMoved(from: a, to: b))
        a.memory.failedChecks = 1
        b = a
        b.memory.failedChecks = 2
        #expect(!Ticker.onlyTickMoved(from: a, to: b))
        // The sequential judge's tick count only matters while it is zero (a memory not started).
        var memory = SequentialMemory(settings: SequentialSettings(), guards: Guards())
        a = JudgeState(memory: JudgeMemory(sequential: memory))
        memory.ticks += 1
        b = JudgeState(memory: JudgeMemory(sequential: memory))
        #expect(!Ticker.onlyTickMoved(from: a, to: b))
        a = b
        memory.ticks += 1
        b = JudgeState(memory: JudgeMemory(sequential: memory))
        #expect(Ticker.onlyTickMoved(from: a, to: b))
    }
}
