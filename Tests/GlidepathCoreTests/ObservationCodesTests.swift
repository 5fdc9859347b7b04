import Testing
@testable import GlidepathCore

private func parse(_ text: String, classifier: StatusClassifier = .standard) throws(ObservationError) -> ObservationBatch {
    try ObservationParser.parse(Array(text.utf8), baseline: "openai", candidate: "holysheep", classifier: classifier)
}

/// `guards.errors.statuses: [0, 401, 403, 429, "5xx"]`, as in the key-rotation example.
private let keyRotation = StatusClassifier(errorStatuses: Set([0, 401, 403, 429] + Array(500...599)))

struct TTFTRow: Sendable, CustomTestStringConvertible {
    var body: String
    /// Expected (bucket index → count) per arm; nil: the arm reported no time to first token.
    var baseline: [Int: UInt64]?
    var candidate: [Int: UInt64]?
    var baselineSum: Double = 0
    var candidateSum: Double = 0
    var testDescription: String { body.replacingOccurrences(of: "\n", with: " | ") }
}

/// Bucket indices: 1 ms is index 0, 1.2 ms index 1 (on the bound), 1.2000001 ms index 2, 95.5 ms and
/// 100 ms ≤ 0.1 s index 24,
/// 2 s ≤ 2.2 s index 40, 1,000,000,000 ms the +Inf bucket.
let ttftRows: [TTFTRow] = [
    .init(body: "openai 200 500", baseline: nil, candidate: nil),
    .init(body: "openai 200 500 ttft_ms=100", baseline: [24: 1], candidate: nil, baselineSum: 0.1),
    .init(body: "holysheep 200 812 tokens=512 ttft_ms=95.5", baseline: nil, candidate: [24: 1], candidateSum: 0.0955),
    .init(body: "holysheep 200 3 ttft_ms=1\nholysheep 200 3 ttft_ms=1.2\nholysheep 200 3 ttft_ms=1.2000001",
          baseline: nil, candidate: [0: 1, 1: 1, 2: 1], candidateSum: 0.0034000001),
    .init(body: "openai 200 2500 ttft_ms=2000\nholysheep 503 10 ttft_ms=0\nholysheep 200 9", baseline: [40: 1],
          candidate: [0: 1], baselineSum: 2),
    .init(body: "holysheep 200 1000000000 ttft_ms=1000000000.0", baseline: nil,
          candidate: [LatencyBuckets.count - 1: 1], candidateSum: 1_000_000),
    .init(body: "openai 0 30000 tokens=3 ttft_ms=0.5\nopenai 200 1", baseline: [0: 1], candidate: nil, baselineSum: 0.0005),
]

@Suite struct ObservationTTFTTests {
    private func histogram(_ entries: [Int: UInt64]?) -> [UInt64] {
        guard let entries else { return [] }
        var h = [UInt64](repeating: 0, count: LatencyBuckets.count)
        for (i, c) in entries { h[i] = c }
        return h
    }

    @Test(arguments: ttftRows)
    func ttftLandsInItsBucketPerArm(_ row: TTFTRow) throws {
        #expect(LatencyBuckets.index(ofSeconds: 0.0955) == 24 && LatencyBuckets.index(ofSeconds: 2) == 40)
        let batch = try parse(row.body)
        #expect(batch.arms.baseline.ttft == histogram(row.baseline))
        #expect(batch.arms.candidate.ttft == histogram(row.candidate))
        #expect(abs(batch.arms.baseline.ttftSum - row.baselineSum) <= 1e-12 * max(1, row.baselineSum))
        #expect(abs(batch.arms.candidate.ttftSum - row.candidateSum) <= 1e-12 * max(1, row.candidateSum))
    }

    @Test func ttftDoesNotTouchLatency() throws {
        let batch = try parse("holysheep 200 2000 ttft_ms=100")
        #expect(batch.arms.candidate.latency[40] == 1 && batch.arms.candidate.latencySum == 2)
        #expect(batch.arms.candidate.ttft[24] == 1 && batch.arms.candidate.ttftSum == 0.1)
    }
}

struct CodeRow: Sendable, CustomTestStringConvertible {
    var status: Int
    var code: StatusCode
    var standard: OutcomeClass
    var keyRotation: OutcomeClass
    var testDescription: String { "\(status) → \(code.rawValue)" }
}

let codeRows: [CodeRow] = [
    .init(status: 0, code: .network, standard: .error, keyRotation: .error),
    .init(status: 101, code: .success, standard: .ok, keyRotation: .ok),
    .init(status: 200, code: .success, standard: .ok, keyRotation: .ok),
    .init(status: 302, code: .redirect, standard: .ok, keyRotation: .ok),
    .init(status: 401, code: .clientError, standard: .clientError, keyRotation: .error),
    .init(status: 404, code: .clientError, standard: .clientError, keyRotation: .clientError),
    .init(status: 429, code: .rateLimited, standard: .error, keyRotation: .error),
    .init(status: 503, code: .serverError, standard: .error, keyRotation: .error),
]

@Suite struct ObservationCodeTests {
    @Test(arguments: codeRows)
    func statusCountsUnderItsClassAndCodePerArm(_ row: CodeRow) throws {
        #expect(StatusCode.of(row.status) == row.code)
        // Twice on the candidate, once on the baseline: the counts stay with their arm.
        let body = "holysheep \(row.status) 5\nopenai \(row.status) 5\nholysheep \(row.status) 5"
        for (classifier, cls) in [(StatusClassifier.standard, row.standard), (keyRotation, row.keyRotation)] {
            let batch = try parse(body, classifier: classifier)
            for other in OutcomeClass.allCases {
                for code in StatusCode.allCases {
                    let hit = other == cls && code == row.code
                    #expect(batch.codes[.candidate, other, code] == (hit ? 2 : 0))
                    #expect(batch.codes[.baseline, other, code] == (hit ? 1 : 0))
                }
            }
        }
    }

    @Test func codesAddUpToTheClassCounts() throws {
        let body = codeRows.map { "openai \($0.status) 1\nholysheep \($0.status) 1\nholysheep \($0.status) 1" }
            .joined(separator: "\n")
        let batch = try parse(body, classifier: keyRotation)
        for arm in Arm.allCases {
            let c = batch.arms[arm]
            func total(_ cls: OutcomeClass) -> UInt64 { StatusCode.allCases.reduce(0) { $0 + batch.codes[arm, cls, $1] } }
            #expect(total(.ok) + total(.error) + total(.clientError) == c.requests)
            #expect(total(.error) == c.errors && total(.clientError) == c.clientErrors)
        }
        #expect(batch.arms.candidate.requests == 16 && batch.arms.candidate.errors == 8)
        #expect(batch.codes[.candidate, .error, .clientError] == 2)
        #expect(batch.codes[.candidate, .clientError, .clientError] == 2)
        #expect(batch.codes[.candidate, .ok, .success] == 4)
    }

    @Test func theClassifiersPairsAreTheOnesItCanProduce() {
        let standard = StatusClassifier.standard.producedPairs.map { "\($0.0.rawValue)/\($0.1.rawValue)" }
        #expect(standard == ["ok/2xx", "ok/3xx", "error/429", "error/5xx", "error/network", "client_error/4xx"])
        let rotation = keyRotation.producedPairs.map { "\($0.0.rawValue)/\($0.1.rawValue)" }
        #expect(rotation == ["ok/2xx", "ok/3xx", "error/4xx", "error/429", "error/5xx", "error/network", "client_error/4xx"])
        let only503 = StatusClassifier(errorStatuses: [503]).producedPairs.map { "\($0.0.rawValue)/\($0.1.rawValue)" }
        #expect(only503 == ["ok/2xx", "ok/3xx", "ok/5xx", "ok/network", "error/5xx", "client_error/4xx", "client_error/429"])
    }

    @Test func labelsAreTheWireNames() {
        #expect(StatusCode.allCases.map(\.rawValue) == ["2xx", "3xx", "4xx", "429", "5xx", "network"])
        #expect(StatusCode.allCases.map(\.index) == Array(0..<6))
        #expect(StatusCodeCounts.groups == StatusCode.allCases.count)
        #expect(StatusCodeCounts.perArm == OutcomeClass.allCases.count * StatusCode.allCases.count)
    }
}
