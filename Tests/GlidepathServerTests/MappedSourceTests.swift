import GlidepathCore
import PromText
import Testing
@testable import GlidepathServer

/// Someone else's metrics through a policy's mapping: matchers, sums, foreign buckets, custom counters, and
/// the scrape accumulator's resets and vanished targets.
@Suite struct MappedSourceTests {
    static let mapping = MetricsMapping(
        armLabel: "source", matchers: [LabelMatcher(name: "job", value: "copy-api")],
        requests: CounterRef(metric: "copy_generation_total"), errorMatchers: [LabelMatcher(name: "status", value: "error")],
        latency: CounterRef(metric: "copy_generation_latency_seconds"))
    static let extraction = MappedExtraction(mapping: mapping, baseline: "openai", candidate: "holysheep")

    static func families(_ text: String) throws -> [MetricFamily] { try PromTextParser.parse(text) }

    static let exposition = """
        # TYPE copy_generation_total counter
        copy_generation_total{job="copy-api",source="openai",status="ok"} 90
        copy_generation_total{job="copy-api",source="openai",status="error"} 10
        copy_generation_total{job="copy-api",source="holysheep",status="ok"} 15
        copy_generation_total{job="copy-api",source="holysheep",status="error"} 5
        copy_generation_total{job="batch",source="holysheep",status="error"} 1000
        copy_generation_total{job="copy-api",source="anthropic",status="ok"} 7
        # TYPE copy_generation_latency_seconds histogram
        copy_generation_latency_seconds_bucket{job="copy-api",source="openai",le="0.1"} 60
        copy_generation_latency_seconds_bucket{job="copy-api",source="openai",le="0.25"} 90
        copy_generation_latency_seconds_bucket{job="copy-api",source="openai",le="+Inf"} 100
        copy_generation_latency_seconds_sum{job="copy-api",source="openai"} 12.5
        copy_generation_latency_seconds_count{job="copy-api",source="openai"} 100

        """

    @Test func picksByNameArmAndMatchersAndSumsSeries() throws {
        let r = try Self.extraction.extract(Self.families(Self.exposition))
        #expect(r.sawRequests)
        let pair = r.vector.armPair(latency: true, ttft: false)
        #expect(pair.baseline.requests == 100 && pair.baseline.errors == 10)
        #expect(pair.candidate.requests == 20 && pair.candidate.errors == 5)  // job="batch" and anthropic left out
        #expect(pair.baseline.latencySum == 12.5)
        // 0.1 is a glidepath bound; 0.25 is not: its 30 go to the next bound up (0.27).
        #expect(pair.baseline.latency[LatencyBuckets.index(ofSeconds: 0.1)] == 60)
        #expect(pair.baseline.latency[LatencyBuckets.index(ofSeconds: 0.27)] == 30)
        #expect(LatencyBuckets.bounds[LatencyBuckets.index(ofSeconds: 0.25)] == 0.27)
        #expect(pair.baseline.latency.last == 10)
        #expect(pair.baseline.latency.reduce(0, +) == 100)
        #expect(r.foreignBounds == [0.1, 0.25, .infinity])
        #expect(pair.candidate.latency == [UInt64](repeating: 0, count: LatencyBuckets.count))
    }

    @Test func noRequestSeriesIsReported() throws {
        let r = try Self.extraction.extract(Self.families("other_total 1\n"))
        #expect(!r.sawRequests)
    }

    struct BucketRow: Sendable, CustomTestStringConvertible {
        var pairs: [(le: Double, count: Double)]
        var expected: [Int: Double]
        var exact: Bool
        var testDescription: String { pairs.map { "\($0.le)=\($0.count)" }.joined(separator: ",") }
    }

    static let inf = LatencyBuckets.count - 1
    static let bucketRows: [BucketRow] = [
        // glidepath's own bounds: exact, nothing moves.
        BucketRow(pairs: [(0.001, 1), (0.1, 5), (.infinity, 6)], expected: [0: 1, LatencyBuckets.index(ofSeconds: 0.1): 4, inf: 1], exact: true),
        // Python client defaults: 0.005 → 0.0056, 0.075 → 0.082, 7.5 → 8.2, 0.25 → 0.27.
        BucketRow(pairs: [(0.005, 2), (0.075, 3), (0.25, 7), (7.5, 8), (.infinity, 8)],
                  expected: [LatencyBuckets.index(ofSeconds: 0.0056): 2, LatencyBuckets.index(ofSeconds: 0.082): 1,
                             LatencyBuckets.index(ofSeconds: 0.27): 4, LatencyBuckets.index(ofSeconds: 8.2): 1], exact: false),
        // Above glidepath's last bound (68 s): the +Inf bucket.
        BucketRow(pairs: [(100, 4), (.infinity, 5)], expected: [inf: 5], exact: false),
        // Unsorted input is sorted first.
        BucketRow(pairs: [(.infinity, 3), (0.5, 1)], expected: [LatencyBuckets.index(ofSeconds: 0.56): 1, inf: 2], exact: false),
    ]

    @Test("foreign bounds go to the smallest glidepath bound at or above them", arguments: bucketRows)
    func bucketConversion(_ row: BucketRow) throws {
        let (buckets, exact) = try BucketConversion.convert(row.pairs)
        var want = [Double](repeating: 0, count: LatencyBuckets.count)
        for (i, v) in row.expected { want[i] += v }
        #expect(buckets == want)
        #expect(exact == row.exact)
    }

    @Test func bucketErrors() {
        #expect(throws: SourceDataError("histogram has no le=\"+Inf\" bucket")) {
            try BucketConversion.convert([(0.1, 3)])
        }
        #expect(throws: SourceDataError("bucket le=\"0.5\" counts 2, fewer than the bucket below (3): not cumulative")) {
            try BucketConversion.convert([(0.1, 3), (0.5, 2), (.infinity, 4)])
        }
        #expect(throws: SourceDataError("bucket le=\"+Inf\" is NaN, expected a count ≥ 0")) {
            try BucketConversion.convert([(0.1, 3), (.infinity, .nan)])
        }
        // Prometheus increases are extrapolated: a dip is noise, taken as zero.
        #expect((try? BucketConversion.convert([(0.1, 3), (0.5, 2.9), (.infinity, 4)], clampNegative: true))?.buckets.reduce(0, +) == 4)
    }

    @Test func precisionNoteListsTheSourceBounds() {
        #expect(BucketConversion.precisionNote([0.25, 0.1, .infinity])
                == "latency precision: source buckets {0.1, 0.25, +Inf} coarser than glidepath's")
    }

    @Test func customCountersAndTheirOwnArmLabel() throws {
        let custom = [CounterRef(metric: "copy_json_invalid_total"),
                      CounterRef(metric: "copy_thumbs_down_total", armLabel: "provider", matchers: [LabelMatcher(name: "kind", value: "down")])]
        let x = MappedExtraction(mapping: Self.mapping, custom: custom, baseline: "openai", candidate: "holysheep")
        let text = """
            copy_generation_total{job="copy-api",source="openai"} 100
            copy_json_invalid_total{job="copy-api",source="openai"} 3
            copy_json_invalid_total{job="copy-api",source="holysheep"} 9
            copy_thumbs_down_total{job="copy-api",provider="holysheep",kind="down"} 4
            copy_thumbs_down_total{job="copy-api",provider="holysheep",kind="up"} 40
            copy_thumbs_down_total{job="copy-api",source="holysheep",kind="down"} 400

            """
        let pair = try x.extract(Self.families(text)).vector.armPair(latency: false, ttft: false)
        #expect(pair.baseline.custom == [3, 0])
        #expect(pair.candidate.custom == [9, 4])
        #expect(pair.baseline.latency.isEmpty)
    }

    @Test func negativeCountIsAnError() throws {
        #expect(throws: SourceDataError(#"copy_generation_total{job="copy-api",source="openai"} is -1, expected a count ≥ 0"#)) {
            try Self.extraction.extract(Self.families(#"copy_generation_total{job="copy-api",source="openai"} -1"# + "\n"))
        }
    }

    func vector(_ requests: Double, errors: Double = 0) -> SourceVector {
        var v = SourceVector(customCount: 0)
        v[.candidate, .requests] = requests
        v[.candidate, .errors] = errors
        return v
    }

    @Test func accumulatorNeverGoesBackwardsNorCountsTwice() {
        var acc = ScrapeAccumulator(customCount: 0)
        // First sight of each target: its starting point, not evidence.
        let firstReset = acc.add(target: "a", vector(100, errors: 1))
        #expect(!firstReset)
        acc.add(target: "b", vector(50))
        #expect(acc.total[.candidate, .requests] == 0)
        acc.add(target: "a", vector(130, errors: 2))
        acc.add(target: "b", vector(60))
        #expect(acc.total[.candidate, .requests] == 40 && acc.total[.candidate, .errors] == 1)
        // b restarts: its new value is all new.
        let bReset = acc.add(target: "b", vector(5))
        #expect(bReset)
        #expect(acc.total[.candidate, .requests] == 45)
        // a vanishes for two reads: frozen; when it comes back it continues from where it was.
        acc.add(target: "b", vector(15))
        acc.add(target: "b", vector(25))
        #expect(acc.total[.candidate, .requests] == 65)
        acc.add(target: "a", vector(140, errors: 2))
        #expect(acc.total[.candidate, .requests] == 75 && acc.total[.candidate, .errors] == 1)
        // A reset detected on any value (errors went down) resets the whole target.
        let aReset = acc.add(target: "a", vector(150, errors: 0))
        #expect(aReset)
        #expect(acc.total[.candidate, .requests] == 225)
        #expect(acc.knownTargets == 2)
    }

    @Test func scrapeCombineCountsUpAndDownTargets() throws {
        var acc = ScrapeAccumulator(customCount: 0)
        let good = try Self.families(Self.exposition)
        let down = SourceDataError("connect to 127.0.0.1:9: Connection refused")
        let three: [(url: String, families: Result<[MetricFamily], SourceDataError>)] =
            [("http://a/m", .success(good)), ("http://b/m", .success(good)), ("http://c/m", .failure(down))]
        guard case .counts(_, let note) = ScrapeRead.combine(three, extraction: Self.extraction, into: &acc) else {
            Issue.record("expected counts")
            return
        }
        #expect(note == "metrics: scrape of 3 targets: 2 up, 1 down (http://c/m: connect to 127.0.0.1:9: Connection refused); "
                + "latency precision: source buckets {0.1, 0.25, +Inf} coarser than glidepath's")
        let allDown = ScrapeRead.combine([("http://c/m", .failure(down))], extraction: Self.extraction, into: &acc)
        #expect(allDown == .failed("metrics source scrape http://c/m: connect to 127.0.0.1:9: Connection refused"))
        let empty = ScrapeRead.combine([("http://a/m", .success([]))], extraction: Self.extraction, into: &acc)
        #expect(empty == .failed(#"metrics source scrape http://a/m: no series copy_generation_total{source=~"openai|holysheep"} in the answer"#))
    }
}
