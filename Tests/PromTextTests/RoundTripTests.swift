import Testing
import PromText

struct RoundTripTests {
    /// Geometric buckets like the request-duration family: 1 ms to beyond 60 s, ratio 1.25.
    static let durationBuckets: [Double] = (0..<51).map { 0.001 * pow125($0) }

    static func pow125(_ n: Int) -> Double { (0..<n).reduce(1.0) { value, _ in value * 1.25 } }

    @Test("everything the registry renders parses back to the same values")
    func renderThenParse() throws {
        let registry = MetricRegistry()
        let requests = registry.counter("glidepath_requests_total", help: "Requests.\nBy class.", labels: ["migration", "arm", "class"])
        let weight = registry.gauge("glidepath_weight_percent", help: #"Weight "percent" \ arm."#, labels: ["migration", "arm"])
        let duration = registry.histogram("glidepath_request_duration_seconds", help: "Latency.", labels: ["migration", "arm"],
                                          buckets: Self.durationBuckets)
        let loop = registry.histogram("glidepath_control_loop_duration_seconds", help: "Tick.", labels: [], buckets: [0.001, 0.01])
        let oddLabels = ["tenant/α", "q\"uote", "back\\slash", "new\nline", ""]
        for (index, migration) in oddLabels.enumerated() {
            requests.add(Double(index) + 0.125, labels: [migration, "a", "ok"])
            weight.set(Double(index) * 1e-7, labels: [migration, "b"])
            duration.observe(Double(index) * 0.37, labels: [migration, "a"])
            duration.add(bucketCounts: Array(repeating: UInt64(index), count: Self.durationBuckets.count + 1), sum: 1e16,
                         labels: [migration, "b"])
        }
        weight.set(.nan, labels: ["nan", "b"])
        weight.set(-.infinity, labels: ["inf", "b"])
        weight.set(9_007_199_254_740_994, labels: ["big", "b"])
        loop.observe(0.004, labels: [])

        let families = try PromTextParser.parse(String(decoding: registry.render(), as: UTF8.self))
        #expect(families.map(\.name) == ["glidepath_control_loop_duration_seconds", "glidepath_request_duration_seconds",
                                         "glidepath_requests_total", "glidepath_weight_percent"])
        #expect(families.map(\.type) == [.histogram, .histogram, .counter, .gauge])
        #expect(families.map(\.help) == ["Tick.", "Latency.", "Requests.\nBy class.", #"Weight "percent" \ arm."#])

        for sample in families[2].samples {
            let labels = [sample.label("migration")!, sample.label("arm")!, sample.label("class")!]
            #expect(sample.value == requests.value(labels: labels))
        }
        #expect(families[2].samples.count == oddLabels.count)
        for sample in families[3].samples {
            let value = try #require(weight.value(labels: [sample.label("migration")!, sample.label("arm")!]))
            #expect(sample.value == value || (sample.value.isNaN && value.isNaN))
        }
        #expect(families[3].samples.count == oddLabels.count + 3)

        for migration in oddLabels {
            for arm in ["a", "b"] {
                let snapshot = try #require(duration.snapshot(labels: [migration, arm]))
                try expectHistogram(families[1], labels: [("migration", migration), ("arm", arm)], equals: snapshot)
            }
        }
        try expectHistogram(families[0], labels: [], equals: #require(loop.snapshot(labels: [])))
    }

    @Test("a big registry (100 migrations x 2 arms, ~60 buckets) renders every line and parses back")
    func bigRegistry() throws {
        let registry = MetricRegistry()
        let buckets = Self.durationBuckets + [90, 120, 180, 240, 300, 450, 600, 900]
        let duration = registry.histogram("glidepath_request_duration_seconds", help: "Latency.", labels: ["migration", "arm"],
                                          buckets: buckets)
        let requests = registry.counter("glidepath_requests_total", help: "Requests.", labels: ["migration", "arm", "class"])
        for migration in 0..<100 {
            for arm in ["baseline", "candidate"] {
                let labels = ["migration-\(migration)", arm]
                duration.add(bucketCounts: (0...buckets.count).map { UInt64($0 % 7) }, sum: 12.5, labels: labels)
                for kind in ["ok", "error", "client_error"] { requests.add(1, labels: labels + [kind]) }
            }
        }
        let rendered = registry.render()
        let again = registry.render()
        #expect(rendered == again)
        let lines = rendered.lazy.filter { $0 == UInt8(ascii: "\n") }.count
        #expect(lines == 4 + 200 * (buckets.count + 3) + 600)
        let families = try PromTextParser.parse(String(decoding: rendered, as: UTF8.self))
        #expect(families.map(\.samples.count) == [200 * (buckets.count + 3), 600])
    }

    /// Checks one histogram series of a parsed family: every bucket cumulative, `+Inf` present and equal to `_count`.
    func expectHistogram(_ family: MetricFamily, labels: [(String, String)], equals snapshot: HistogramSnapshot) throws {
        let mine = family.samples.filter { sample in labels.allSatisfy { sample.label($0.0) == $0.1 } }
        let buckets = mine.filter { $0.name == family.name + "_bucket" }
        let bounds = buckets.map { PromFloat.parse($0.label("le")!)! }
        #expect(bounds == snapshot.upperBounds + [.infinity])
        #expect(buckets.map { UInt64($0.value) } == snapshot.cumulativeCounts)
        let sum = try #require(mine.first { $0.name == family.name + "_sum" })
        let count = try #require(mine.first { $0.name == family.name + "_count" })
        #expect(sum.value == snapshot.sum)
        #expect(UInt64(count.value) == snapshot.count)
        #expect(buckets.last?.label("le") == "+Inf")
        #expect(buckets.last?.value == count.value)
    }
}
