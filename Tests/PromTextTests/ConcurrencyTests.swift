import Dispatch
import Testing
import PromText

struct ConcurrencyTests {
    @Test("two threads adding while a third renders: every render parses and the totals are exact")
    func addWhileRendering() throws {
        let registry = MetricRegistry()
        let requests = registry.counter("requests_total", help: "Requests.", labels: ["arm"])
        let duration = registry.histogram("duration_seconds", help: "Latency.", labels: ["arm"], buckets: [0.1, 1])
        let iterations = 5_000
        let group = DispatchGroup()
        for (thread, arm) in ["a", "b"].enumerated() {
            DispatchQueue.global().async(group: group) {
                for index in 0..<iterations {
                    requests.add(1, labels: [arm])
                    requests.add(1, labels: ["shared"])
                    duration.observe(0.5, labels: [arm])
                    duration.add(bucketCounts: [1, 0, 2], sum: 4, labels: ["shared"])
                    if index % 1_000 == 0 { registry.gauge("late_\(thread)_\(index)", help: "L.", labels: []).set(1, labels: []) }
                }
            }
        }
        var renders = 0
        while group.wait(timeout: .now()) == .timedOut || renders == 0 {
            let families = try PromTextParser.parse(String(decoding: registry.render(), as: UTF8.self))
            if let histogram = families.first(where: { $0.name == "duration_seconds" }) {
                let infinite = histogram.samples.filter { $0.label("le") == "+Inf" }.map(\.value)
                let counts = histogram.samples.filter { $0.name == "duration_seconds_count" }.map(\.value)
                #expect(infinite == counts)
            }
            renders += 1
        }

        #expect(requests.value(labels: ["a"]) == Double(iterations))
        #expect(requests.value(labels: ["b"]) == Double(iterations))
        #expect(requests.value(labels: ["shared"]) == Double(2 * iterations))
        let shared = try #require(duration.snapshot(labels: ["shared"]))
        #expect(shared.bucketCounts == [UInt64(2 * iterations), 0, UInt64(4 * iterations)])
        #expect(shared.sum == Double(8 * iterations))
        #expect(duration.snapshot(labels: ["a"])?.count == UInt64(iterations))
        let families = try PromTextParser.parse(String(decoding: registry.render(), as: UTF8.self))
        #expect(families.count == 2 + 2 * (iterations / 1_000))
    }
}
