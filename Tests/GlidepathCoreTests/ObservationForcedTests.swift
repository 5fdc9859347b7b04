import Testing
@testable import GlidepathCore

/// `forced=1` lines: counted per arm apart from the evidence (requests, latency, TTFT, tokens).
@Suite struct ObservationForcedTests {
    static func parse(_ text: String) throws(ObservationError) -> ObservationBatch {
        try ObservationParser.parse(Array(text.utf8), baseline: "openai", candidate: "holysheep", classifier: .standard)
    }

    @Test func forcedLinesAreCountedApartAndNeverAsEvidence() throws {
        let batch = try Self.parse("""
        holysheep 200 142.5 forced=1
        holysheep 503 10 tokens=7 ttft_ms=3 forced=1
        openai 200 9 forced=1 tokens=5
        holysheep 200 20
        openai 500 30 tokens=2
        """)
        #expect(batch.lines == 5)
        #expect(batch.forced == [1, 2])
        #expect(batch.arms.candidate.requests == 1)
        #expect(batch.arms.candidate.errors == 0)
        #expect(batch.arms.candidate.tokens == 0)
        #expect(batch.arms.candidate.ttft.isEmpty)
        #expect(batch.arms.candidate.latencySum == 0.02)
        #expect(batch.arms.baseline.requests == 1)
        #expect(batch.arms.baseline.errors == 1)
        #expect(batch.arms.baseline.tokens == 2)
    }

    @Test func aBatchOfOnlyForcedLinesHasNoEvidence() throws {
        let batch = try Self.parse("holysheep 200 1 forced=1\nholysheep 200 1 forced=1\n")
        #expect(batch.forced == [0, 2])
        #expect(batch.arms == .zero)
    }

    static let bad: [(String, String)] = [
        ("openai 200 1 forced=0", #"forced "0" must be 1 (leave the field out for a request routed by the weights)"#),
        ("openai 200 1 forced=true", #"forced "true" must be 1 (leave the field out for a request routed by the weights)"#),
        ("openai 200 1 forced=", #"forced "" must be 1 (leave the field out for a request routed by the weights)"#),
        ("openai 200 1 forced=11", #"forced "11" must be 1 (leave the field out for a request routed by the weights)"#),
        ("openai 200 1 forced=1 forced=1", #"duplicate field "forced""#),
        ("openai 200 1 forced", #"field "forced" is not <key>=<value>"#),
        ("azure 200 1 forced=1", #"unknown arm "azure" (expected "openai" or "holysheep")"#),
        ("openai 700 1 forced=1", #"status "700" is not 0 or an HTTP status 100–599"#),
    ]

    @Test("a bad forced line refuses the whole batch, naming the line", arguments: bad)
    func badForcedLine(_ row: (String, String)) {
        do {
            _ = try Self.parse("openai 200 1\n" + row.0)
            Issue.record("accepted \(row.0)")
        } catch {
            #expect(error.line == 2)
            #expect(error.message == row.1)
        }
    }
}
