import Testing
@testable import GlidepathCore

private func parse(_ text: String, classifier: StatusClassifier = .standard) throws(ObservationError) -> ObservationBatch {
    try ObservationParser.parse(Array(text.utf8), baseline: "openai", candidate: "holysheep", classifier: classifier)
}

/// A histogram with `counts[i]` at bucket `i`.
private func histogram(_ entries: [Int: UInt64]) -> [UInt64] {
    var h = [UInt64](repeating: 0, count: LatencyBuckets.count)
    for (i, c) in entries { h[i] = c }
    return h
}

private func bucket(_ seconds: Double) -> Int { LatencyBuckets.index(ofSeconds: seconds) }

@Suite struct ObservationParserValidTests {
    @Test func protocolExampleAggregatesPerArm() throws {
        let body = """
        holysheep 200 142.5
        openai 503 2003
        holysheep 0 10000 tokens=0
        holysheep 200 812 tokens=512 ttft_ms=95.5

        """
        let batch = try parse(body)
        #expect(batch.lines == 4)
        let c = batch.arms.candidate
        #expect(c.requests == 3)
        #expect(c.errors == 1)
        #expect(c.clientErrors == 0)
        #expect(c.tokens == 512)
        #expect(abs(c.latencySum - 10.9545) < 1e-12)
        // 142.5 ms ≤ 0.15 s (index 26); 10 s is exactly a bound (index 48); 812 ms ≤ 0.82 s (index 35).
        #expect(bucket(0.1425) == 26 && bucket(10) == 48 && bucket(0.812) == 35)
        #expect(c.latency == histogram([26: 1, 48: 1, 35: 1]))
        let b = batch.arms.baseline
        #expect(b == ArmCounts(requests: 1, errors: 1, clientErrors: 0, latency: histogram([bucket(2.003): 1]),
                               latencySum: 2.003, tokens: 0))
        #expect(bucket(2.003) == 40)
    }

    @Test func classesFollowTheClassifier() throws {
        let batch = try parse("openai 404 1\nopenai 429 1\nopenai 302 1\nopenai 100 1\nopenai 599 1\nopenai 0 1")
        #expect(batch.arms.baseline.requests == 6)
        #expect(batch.arms.baseline.errors == 3)
        #expect(batch.arms.baseline.clientErrors == 1)
        #expect(batch.arms.candidate == .zero)
        let only503 = StatusClassifier(errorStatuses: [503])
        let custom = try parse("openai 500 1\nopenai 503 1\nopenai 429 1", classifier: only503)
        #expect(custom.arms.baseline.errors == 1)
        #expect(custom.arms.baseline.clientErrors == 1)
    }

    @Test func crlfAndMissingFinalNewlineAreAccepted() throws {
        let batch = try parse("openai 200 5\r\nholysheep 200 7.25 tokens=3\r\nholysheep 200 1")
        #expect(batch.lines == 3)
        #expect(batch.arms.baseline.requests == 1)
        #expect(batch.arms.candidate.requests == 2)
        #expect(batch.arms.candidate.tokens == 3)
        #expect(abs(batch.arms.candidate.latencySum - 0.00825) < 1e-15)
    }

    @Test func latencyOnABoundLandsInThatBucket() throws {
        let batch = try parse("openai 200 1.2\nopenai 200 1.2000001\nopenai 200 0\nopenai 200 00.0010")
        #expect(batch.arms.baseline.latency == histogram([0: 2, 1: 1, 2: 1]))
    }

    @Test func largestLatencyGoesToTheInfBucket() throws {
        let batch = try parse("holysheep 200 1000000000 tokens=1000000000 ttft_ms=1000000000.0")
        #expect(batch.arms.candidate.latency == histogram([LatencyBuckets.count - 1: 1]))
        #expect(batch.arms.candidate.latencySum == 1_000_000)
        #expect(batch.arms.candidate.tokens == 1_000_000_000)
    }

    @Test func fieldsMayComeInAnyOrderOnce() throws {
        let batch = try parse("holysheep 200 3 ttft_ms=1 tokens=9\nholysheep 200 3.123456789012 ttft_ms=0.5")
        #expect(batch.arms.candidate.tokens == 9)
        #expect(batch.arms.candidate.requests == 2)
    }
}

struct BadBody: Sendable, CustomTestStringConvertible {
    var number: Int
    var body: String
    var line: Int?
    var message: String
    var reason: String
    var testDescription: String { "#\(number) \(reason)" }
}

private let ok = "openai 200 1\n"
private let fieldShape = "expected <arm> <status> <latency_ms>, found"
private let emptyField = "empty field (fields are separated by single spaces)"
private let notStatus = "is not 0 or an HTTP status 100–599"
private let notMs = "is not a non-negative decimal number of milliseconds"
private let tooManyMs = "exceeds the maximum of 1000000000 ms"

let badBodies: [BadBody] = [
    .init(number: 1, body: "", line: nil, message: "empty body: expected one observation per line", reason: "empty"),
    .init(number: 2, body: "\n", line: nil, message: "empty body: expected one observation per line", reason: "empty"),
    .init(number: 3, body: "\r\n\n", line: nil, message: "empty body: expected one observation per line", reason: "empty"),
    .init(number: 4, body: ok + "\n" + ok, line: 2, message: "empty line", reason: "malformed"),
    .init(number: 5, body: ok + "\n", line: 2, message: "empty line", reason: "malformed"),
    .init(number: 6, body: "openai", line: 1, message: "\(fieldShape) 1 field", reason: "malformed"),
    .init(number: 7, body: ok + "openai 200", line: 2, message: "\(fieldShape) 2 fields", reason: "malformed"),
    .init(number: 8, body: "openai  200 1", line: 1, message: emptyField, reason: "malformed"),
    .init(number: 9, body: " openai 200 1", line: 1, message: emptyField, reason: "malformed"),
    .init(number: 10, body: "openai 200 1 ", line: 1, message: emptyField, reason: "malformed"),
    .init(number: 11, body: "openai 200 1 tokens=1  ttft_ms=2", line: 1, message: emptyField, reason: "malformed"),
    .init(number: 12, body: ok + ok + "azure 200 1", line: 3,
          message: "unknown arm \"azure\" (expected \"openai\" or \"holysheep\")", reason: "unknown_arm"),
    .init(number: 13, body: "OpenAI 200 1", line: 1,
          message: "unknown arm \"OpenAI\" (expected \"openai\" or \"holysheep\")", reason: "unknown_arm"),
    .init(number: 14, body: String(repeating: "x", count: 70) + " 200 1", line: 1,
          message: "unknown arm \"\(String(repeating: "x", count: 64))…\" (expected \"openai\" or \"holysheep\")",
          reason: "unknown_arm"),
    .init(number: 15, body: "openai 600 1", line: 1, message: "status \"600\" \(notStatus)", reason: "bad_status"),
    .init(number: 16, body: "openai 099 1", line: 1, message: "status \"099\" \(notStatus)", reason: "bad_status"),
    .init(number: 17, body: "openai 00 1", line: 1, message: "status \"00\" \(notStatus)", reason: "bad_status"),
    .init(number: 18, body: "openai 2000 1", line: 1, message: "status \"2000\" \(notStatus)", reason: "bad_status"),
    .init(number: 19, body: "openai -1 1", line: 1, message: "status \"-1\" \(notStatus)", reason: "bad_status"),
    .init(number: 20, body: "openai 2x0 1", line: 1, message: "status \"2x0\" \(notStatus)", reason: "bad_status"),
    .init(number: 21, body: "openai 200 -1", line: 1, message: "latency \"-1\" \(notMs)", reason: "bad_latency"),
    .init(number: 22, body: "openai 200 1e3", line: 1, message: "latency \"1e3\" \(notMs)", reason: "bad_latency"),
    .init(number: 23, body: "openai 200 inf", line: 1, message: "latency \"inf\" \(notMs)", reason: "bad_latency"),
    .init(number: 24, body: "openai 200 nan", line: 1, message: "latency \"nan\" \(notMs)", reason: "bad_latency"),
    .init(number: 25, body: "openai 200 0x10", line: 1, message: "latency \"0x10\" \(notMs)", reason: "bad_latency"),
    .init(number: 26, body: "openai 200 1.", line: 1, message: "latency \"1.\" \(notMs)", reason: "bad_latency"),
    .init(number: 27, body: "openai 200 .5", line: 1, message: "latency \".5\" \(notMs)", reason: "bad_latency"),
    .init(number: 28, body: "openai 200 1,5", line: 1, message: "latency \"1,5\" \(notMs)", reason: "bad_latency"),
    .init(number: 29, body: "openai 200 +5", line: 1, message: "latency \"+5\" \(notMs)", reason: "bad_latency"),
    .init(number: 30, body: "openai 200 1000000000.5", line: 1, message: "latency \"1000000000.5\" \(tooManyMs)",
          reason: "bad_latency"),
    .init(number: 31, body: "openai 200 99999999999", line: 1, message: "latency \"99999999999\" \(tooManyMs)",
          reason: "bad_latency"),
    .init(number: 32, body: "openai 200 1\r\r\n", line: 1, message: "latency \"1\r\" \(notMs)", reason: "bad_latency"),
    .init(number: 33, body: "openai 200 1 tokens", line: 1, message: "field \"tokens\" is not <key>=<value>",
          reason: "bad_field"),
    .init(number: 34, body: "openai 200 1 model=gpt-4", line: 1,
          message: "unknown field \"model\" (expected tokens, ttft_ms, forced or mirror)", reason: "bad_field"),
    .init(number: 35, body: "openai 200 1 =5", line: 1,
          message: "unknown field \"\" (expected tokens, ttft_ms, forced or mirror)",
          reason: "bad_field"),
    .init(number: 36, body: "openai 200 1 tokens=1 tokens=2", line: 1, message: "duplicate field \"tokens\"",
          reason: "bad_field"),
    .init(number: 37, body: "openai 200 1 ttft_ms=1 ttft_ms=1", line: 1, message: "duplicate field \"ttft_ms\"",
          reason: "bad_field"),
    .init(number: 38, body: "openai 200 1 tokens=-1", line: 1, message: "tokens \"-1\" is not a non-negative integer",
          reason: "bad_field"),
    .init(number: 39, body: "openai 200 1 tokens=1.5", line: 1, message: "tokens \"1.5\" is not a non-negative integer",
          reason: "bad_field"),
    .init(number: 40, body: "openai 200 1 tokens=", line: 1, message: "tokens \"\" is not a non-negative integer",
          reason: "bad_field"),
    .init(number: 41, body: "openai 200 1 tokens=1000000001", line: 1,
          message: "tokens \"1000000001\" exceeds the maximum of 1000000000", reason: "bad_field"),
    .init(number: 42, body: "openai 200 1 ttft_ms=fast", line: 1, message: "ttft_ms \"fast\" \(notMs)",
          reason: "bad_field"),
    .init(number: 43, body: "openai 200 1 ttft_ms=2e9", line: 1, message: "ttft_ms \"2e9\" \(notMs)",
          reason: "bad_field"),
    .init(number: 44, body: "openai 200 1 ttft_ms=2000000000", line: 1, message: "ttft_ms \"2000000000\" \(tooManyMs)",
          reason: "bad_field"),
    .init(number: 45, body: "openai\t200 1", line: 1, message: "\(fieldShape) 2 fields", reason: "malformed"),
    .init(number: 46, body: ok + "holysheep 200 1 forced=1 mirror=1", line: 2,
          message: "forced=1 and mirror=1 on one line: a request forced by an override rule is never mirrored",
          reason: "bad_field"),
    .init(number: 47, body: "holysheep 200 1 mirror=1 tokens=3 forced=1", line: 1,
          message: "forced=1 and mirror=1 on one line: a request forced by an override rule is never mirrored",
          reason: "bad_field"),
]

@Suite struct ObservationParserInvalidTests {
    @Test(arguments: badBodies)
    func badBodyIsRefusedWithLineMessageAndReason(_ bad: BadBody) {
        #expect(throws: ObservationError(line: bad.line, message: bad.message, reason: bad.reason)) {
            try parse(bad.body)
        }
    }

    @Test func descriptionNamesTheLine() {
        #expect(ObservationError(line: 3, message: "empty line", reason: "malformed").description == "line 3: empty line")
        #expect(ObservationError(line: nil, message: "empty body", reason: "empty").description == "empty body")
    }

    @Test func everyReasonIsListed() {
        #expect(Set(badBodies.map(\.reason)) == Set(ObservationError.reasons))
    }
}
