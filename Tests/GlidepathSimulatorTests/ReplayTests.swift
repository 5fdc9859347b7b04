import GlidepathCore
import Testing
@testable import GlidepathSimulator

@Suite struct ReplayTests {
    /// 10 s ticks, one 10 % step baking 30 minutes, then 100 %: the candidate stays at step 0 throughout.
    static let policy = try! PolicyParser.parse(
        #"{"migration": "m", "baseline": "old", "candidate": "new", "interval": "10s", "judge": "sequential", "#
            + #""steps": [{"weight": 10, "bake": "30m"}, {"weight": 100}]}"#).get()
    static let t0: Int64 = 1_772_546_400_000

    /// A 20-minute log at 40 req/s, 10 % to the candidate; its error rate goes from 1 % to 30 % at minute 10.
    static func incidentLog(badFrom minute: Int64 = 10) -> [String] {
        var rng = Xoshiro256(seed: 42)
        var lines: [String] = []
        var t = t0
        while t < t0 + 20 * 60_000 {
            let candidate = rng.uniform() < 0.1
            let bad = candidate && t >= t0 + minute * 60_000
            let status = rng.uniform() < (bad ? 0.3 : 0.01) ? 503 : 200
            let latency = Int(80 + 60 * rng.uniform())
            lines.append("\(t) \(candidate ? "new" : "old") \(status) \(latency) tokens=\(300 + latency) ttft_ms=\(latency / 3)")
            t += 25
        }
        return lines
    }

    func replay(_ lines: [String], policy: Policy = policy) throws(ReplayError) -> Replayer {
        var r = Replayer(policy: policy, judge: policy.judge.makeJudge())
        for (i, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            try bytes.withUnsafeBufferPointer { (p) throws(ReplayError) in try r.feed(p, number: i + 1) }
        }
        try r.finish()
        return r
    }

    @Test func theIncidentIsRolledBackAfterMinute10AndNotBefore() throws {
        let r = try replay(Self.incidentLog())
        #expect(r.lines == 48_000 && r.requests.totalRequests == 48_000)
        #expect(r.firstMilliseconds == Self.t0 && r.lastMilliseconds == Self.t0 + 20 * 60_000 - 25)
        let rollback = try #require(r.decisions.first { $0.decision.action == .rollback })
        #expect(r.decisions.count == 1)
        #expect(rollback.offsetMilliseconds > 10 * 60_000 && rollback.offsetMilliseconds <= 13 * 60_000)
        #expect(rollback.atMilliseconds == Self.t0 + rollback.offsetMilliseconds)
        #expect(rollback.offsetMilliseconds % 10_000 == 0 && rollback.rule == .errorEvidence)
        #expect(r.status.phase == .rolledBack && rollback.decision.candidateWeight == .zero)
        // Judging stopped there: no ticks after the rollback.
        #expect(r.ticks == Int(rollback.offsetMilliseconds / 10_000))
        let text = ReplayReport.text(r, file: "x.log", policyName: "p.json", wall: { "t+\(($0 - Self.t0) / 1000)s" })
        #expect(text.contains("replay x.log: 48,000 lines from t+0s to t+1199s (19m59s)"))
        #expect(text.contains("rollback  0 → 0  100/0"))
        #expect(text.contains("\nend: rolled back at step 0 (100/0)\n"))
        let json = ReplayReport.json(r, file: "x.log", policyName: "p.json", wall: { String($0) })
        let parsed = try JSONParser.parse(json)
        #expect(parsed["decisions"]?.elements?.count == 1)
        #expect(parsed["decisions"]?.elements?[0]["action"]?.stringValue == "rollback")
        #expect(parsed["end"]?["phase"]?.stringValue == "rolled_back")
        #expect(parsed["requests"]?["new"]?["requests"]?.integerValue == Int(r.requests.candidate.requests))
    }

    @Test func aHealthyLogHoldsThroughout() throws {
        let r = try replay(Self.incidentLog(badFrom: 30))
        #expect(r.decisions.isEmpty && r.status.phase == .ramping && r.ticks == 120)
        let text = ReplayReport.text(r, file: "x.log", policyName: "p.json", wall: { String($0) })
        #expect(text.contains("no decision: the policy would have held at step 0"))
        #expect(text.contains("last verdict hold"))
    }

    @Test func aShortBakeAdvancesAtRecordedTime() throws {
        var policy = Self.policy
        policy.steps[0].bake = .minutes(2)
        let r = try replay(Self.incidentLog(badFrom: 30), policy: policy)
        // Advanced after the 2-minute bake, then promoted at 100 % once the candidate had minRequests.
        #expect(r.decisions.map(\.decision.action) == [.advance, .promote])
        #expect(r.decisions[0].offsetMilliseconds >= 120_000 && r.decisions[0].offsetMilliseconds <= 180_000)
    }

    @Test(arguments: [
        (["1772546400000 old 200 100", "1772546400001 old 2000 100"], 2, "status \"2000\" is not 0 or an HTTP status 100–599"),
        (["1772546400000 old 200 100", "", "# note", "1772546400001 other 200 100"], 4,
         "unknown arm \"other\" (expected \"old\" or \"new\"); the policy (--policy FILE) names the log's arms"),
        (["1772546400000 old 200 100 ttft_ms=x"], 1, "ttft_ms \"x\" is not a non-negative decimal number of milliseconds"),
        (["1772546400000 old 200"], 1, "expected <arm> <status> <latency_ms>, found 2 fields"),
        (["1772546400000 old 200 100", "1772546399999 old 200 100"], 2,
         "timestamp 1772546399999 is earlier than the previous line's (1772546400000); the log must be in time order (sort -n -k1,1)"),
        (["17725464000x0 old 200 100"], 1,
         "timestamp \"17725464000x0\" is not a time in milliseconds since the Unix epoch (digits, at most 9999999999999)"),
        (["99999999999999 old 200 100"], 1,
         "timestamp \"99999999999999\" is not a time in milliseconds since the Unix epoch (digits, at most 9999999999999)"),
        (["1772546400000"], 1, "expected <unix_ms> <arm> <status> <latency_ms>, found 1 field"),
        (["{"], 1, "timestamp \"{\" is not a time in milliseconds since the Unix epoch (digits, at most 9999999999999)"),
        (["old 200 100"], 1,
         "timestamp \"old\" is not a time in milliseconds since the Unix epoch (digits, at most 9999999999999)"),
        (["1772546400000 old 200 100", "1775224800001 old 200 100"], 2,
         "timestamp 1775224800001 is more than 31 days after the first line's (1772546400000); replay at most 31 days"),
    ])
    func badLinesNameTheirLineAndField(lines: [String], line: Int, message: String) {
        #expect(throws: ReplayError(line: line, message: message)) { try replay(lines) }
    }

    /// Replays `text` through a `ReplayReader` in chunks of `size` bytes.
    func read(_ text: String, chunk size: Int) throws(ReplayError) -> Replayer {
        var reader = ReplayReader(Replayer(policy: Self.policy, judge: Self.policy.judge.makeJudge()))
        defer { reader.deallocate() }
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + size)
            try bytes.withUnsafeBufferPointer { (p) throws(ReplayError) in
                try reader.consume(UnsafeBufferPointer(rebasing: p[start..<end]))
            }
            start = end
        }
        try reader.finish()
        return reader.replayer
    }

    @Test(arguments: [1, 7, 100, 65_536])
    func chunksOfAnySizeReplayLikeLines(size: Int) throws {
        let lines = Self.incidentLog()
        let expected = try replay(lines)
        // CRLF line ends, a comment, and no line break after the last line.
        let text = "# incident\r\n" + lines.joined(separator: "\r\n")
        let r = try read(text, chunk: size)
        #expect(r.decisions == expected.decisions && r.lines == lines.count + 1 && r.requests == expected.requests)
    }

    @Test func aLineTooLongIsRefusedWhereverTheChunksEnd() {
        let long = "1772546400000 old 200 100" + String(repeating: " ", count: 5000)
        for size in [10, 4000, 65_536] {
            #expect(throws: ReplayError(line: 2, message: "the line is longer than 4096 bytes")) {
                try read("1772546400000 old 200 100\n" + long + "\n", chunk: size)
            }
        }
    }

    @Test func anEmptyLogIsRefused() {
        #expect(throws: ReplayError(line: nil, message: "no request lines in the log")) { try replay(["# nothing"]) }
    }
}
