import GlidepathCore
import Testing
@testable import GlidepathServer

/// The `prometheus` source's pure parts: the PromQL it sends, reading `/api/v1/query` answers, and turning
/// increases into cumulative counts.
@Suite struct PrometheusSourceTests {
    static let mapping = MetricsMapping(
        armLabel: "source", matchers: [LabelMatcher(name: "job", value: "copy-api")],
        requests: CounterRef(metric: "copy_generation_total"), errorMatchers: [LabelMatcher(name: "status", value: "error")],
        latency: CounterRef(metric: "copy_generation_latency_seconds"))
    static let extraction = MappedExtraction(mapping: mapping, custom: [CounterRef(metric: "copy_json_invalid_total", armLabel: "provider")],
                                             baseline: "openai", candidate: "holysheep")

    @Test func planNamesEveryQuery() {
        let plan = PromQL.plan(Self.mapping, custom: Self.extraction.custom, windowMs: 10_250)
        #expect(plan.map(\.text) == [
            #"sum by (source) (increase(copy_generation_total{job="copy-api"}[10250ms]))"#,
            #"sum by (source) (increase(copy_generation_total{job="copy-api",status="error"}[10250ms]))"#,
            #"sum by (source, le) (increase(copy_generation_latency_seconds_bucket{job="copy-api"}[10250ms]))"#,
            #"sum by (source) (increase(copy_generation_latency_seconds_sum{job="copy-api"}[10250ms]))"#,
            #"sum by (provider) (increase(copy_json_invalid_total{job="copy-api"}[10250ms]))"#,
        ])
        #expect(plan.map(\.target) == [.requests, .errors, .latencyBuckets, .latencySum, .custom(0)])
        #expect(plan.last?.armLabel == "provider")
    }

    @Test func matcherValuesAreEscapedAndTheQueryEncoded() {
        #expect(PromQL.selector([LabelMatcher(name: "path", value: #"a"b\c"# + "\n")]) == #"{path="a\"b\\c\n"}"#)
        let q = PromQL(target: .requests, armLabel: "a", text: #"sum by (a) (x{j="k"}[1s])"#)
        #expect(q.url(base: "http://p:9090") == "http://p:9090/api/v1/query?query=sum%20by%20%28a%29%20%28x%7Bj%3D%22k%22%7D%5B1s%5D%29")
    }

    struct AnswerRow: Sendable, CustomTestStringConvertible {
        var status: Int
        var body: String
        var expected: Result<[PrometheusAnswer.Series], SourceDataError>
        var testDescription: String { "\(status) \(body.prefix(60))" }
    }

    static let answers: [AnswerRow] = [
        AnswerRow(status: 200, body: #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"source":"openai"},"value":[1764000000.5,"42"]},{"metric":{},"value":[1,"+Inf"]}]}}"#,
                  expected: .success([.init(labels: ["source": "openai"], value: 42), .init(labels: [:], value: .infinity)])),
        AnswerRow(status: 200, body: #"{"status":"success","data":{"resultType":"vector","result":[]}}"#, expected: .success([])),
        AnswerRow(status: 400, body: #"{"status":"error","errorType":"bad_data","error":"parse error at char 5"}"#,
                  expected: .failure(SourceDataError("query failed (HTTP 400, bad_data): parse error at char 5"))),
        AnswerRow(status: 503, body: "Service Unavailable", expected: .failure(SourceDataError(
            #"HTTP 503: "Service Unavailable""#))),
        AnswerRow(status: 200, body: #"{"status":"success","data":{"resultType":"matrix","result":[]}}"#,
                  expected: .failure(SourceDataError(#"expected a vector result, found "matrix""#))),
        AnswerRow(status: 200, body: #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"0x1p3"]}]}}"#,
                  expected: .failure(SourceDataError(#"result[0] has value "0x1p3", not a Prometheus float"#))),
        AnswerRow(status: 200, body: #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}}"#,
                  expected: .failure(SourceDataError(#"result[0] is not {"metric": {…}, "value": [time, "value"]}"#))),
        AnswerRow(status: 200, body: #"{"data":{}}"#, expected: .failure(SourceDataError(#"answer has no "status": "success" and "data""#))),
    ]

    @Test("answers of /api/v1/query", arguments: answers)
    func parseAnswer(_ row: AnswerRow) {
        let got = Result { () throws(SourceDataError) in try PrometheusAnswer.parse(status: row.status, body: row.body) }
        #expect(got == row.expected)
    }

    static func series(_ arm: String, _ v: Double, le: String? = nil) -> PrometheusAnswer.Series {
        var labels = ["source": arm]
        if let le { labels["le"] = le }
        return .init(labels: labels, value: v)
    }

    @Test func increasesAccumulateIntoCumulativeCounts() {
        let plan = PromQL.plan(Self.mapping, custom: [], windowMs: 10_000)
        let answers: [(PromQL, Result<[PrometheusAnswer.Series], SourceDataError>)] = [
            (plan[0], .success([Self.series("openai", 99.6), Self.series("holysheep", 10.2), Self.series("other", 1000)])),
            (plan[1], .success([Self.series("holysheep", 3)])),
            (plan[2], .success([Self.series("openai", 50, le: "0.1"), Self.series("openai", 99.6, le: "+Inf"),
                                Self.series("holysheep", 10.2, le: "+Inf")])),
            (plan[3], .success([Self.series("openai", 9.9)])),
        ]
        var total = SourceVector(customCount: 1)
        let first = PrometheusRead.combine(answers, url: "http://p:9090", extraction: Self.extraction, windowMs: 10_000, into: &total)
        let second = PrometheusRead.combine(answers, url: "http://p:9090", extraction: Self.extraction, windowMs: 10_000, into: &total)
        guard case .counts(let a, let note) = first, case .counts(let b, _) = second else {
            Issue.record("expected counts")
            return
        }
        #expect(note == "metrics: prometheus http://p:9090, 4 queries over 10s")
        #expect(a.baseline.requests == 100 && a.candidate.requests == 10 && a.candidate.errors == 3)
        #expect(b.baseline.requests == 199 && b.candidate.requests == 20 && b.candidate.errors == 6)
        #expect(b.baseline.latency[LatencyBuckets.index(ofSeconds: 0.1)] == 100)
        #expect(b.baseline.latency.reduce(0, +) == 199)
        #expect(b.baseline.latencySum == 19.8)
        #expect(b.baseline.custom == [0] && b.candidate.custom == [0])
    }

    @Test func foreignBoundsAreNoted() {
        let plan = PromQL.plan(Self.mapping, custom: [], windowMs: 5_000)
        let answers: [(PromQL, Result<[PrometheusAnswer.Series], SourceDataError>)] = [
            (plan[0], .success([Self.series("openai", 4)])),
            (plan[2], .success([Self.series("openai", 1, le: "0.25"), Self.series("openai", 4, le: "+Inf")])),
        ]
        var total = SourceVector(customCount: 1)
        guard case .counts(_, let note) = PrometheusRead.combine(answers, url: "http://p:9090", extraction: Self.extraction,
                                                                  windowMs: 5_000, into: &total) else {
            Issue.record("expected counts")
            return
        }
        #expect(note == "metrics: prometheus http://p:9090, 2 queries over 5s; latency precision: source buckets {0.25, +Inf} coarser than glidepath's")
    }

    @Test func failuresAndEmptyResultsAddNothing() {
        let plan = PromQL.plan(Self.mapping, custom: [], windowMs: 10_000)
        var total = SourceVector(customCount: 1)
        let empty = PrometheusRead.combine([(plan[0], .success([Self.series("other", 5)]))], url: "http://p:9090",
                                           extraction: Self.extraction, windowMs: 10_000, into: &total)
        #expect(empty == .failed(#"metrics source prometheus http://p:9090: empty result for sum by (source) (increase(copy_generation_total{job="copy-api"}[10000ms]))"#))
        let failed = PrometheusRead.combine([(plan[0], .success([Self.series("openai", 5)])),
                                             (plan[1], .failure(SourceDataError("query failed (HTTP 422, execution): boom")))],
                                            url: "http://p:9090", extraction: Self.extraction, windowMs: 10_000, into: &total)
        #expect(failed == .failed("metrics source prometheus http://p:9090: query failed (HTTP 422, execution): boom"))
        #expect(total == SourceVector(customCount: 1))
    }
}
