import Foundation
import Testing
import PromText

/// `render(selection:)` writes exactly the full render's lines for the selected series (headers of the
/// families that have any), with or without the index.
struct SelectionRenderingTests {
    static let migrations = ["a", "b", "c", #"q"uote"#, "ä", "b-2"]

    /// Families with the label first, not first, and absent; series added out of order.
    static func filled(_ registry: MetricRegistry) -> MetricRegistry {
        let requests = registry.counter("x_requests_total", help: "Requests.", labels: ["migration", "arm", "class"])
        let duration = registry.histogram("x_duration_seconds", help: "Latency.", labels: ["migration", "arm"], buckets: [0.1, 1])
        let info = registry.gauge("x_arm_info", help: "Arms.", labels: ["arm", "migration"])
        let rejected = registry.counter("x_rejected_total", help: "Refused.", labels: ["reason"])
        _ = registry.gauge("x_up", help: "Up.", labels: [])
        for (i, m) in migrations.reversed().enumerated() {
            for arm in ["new", "old"] {
                requests.add(Double(i + 1), labels: [m, arm, "ok"])
                if i % 2 == 0 { requests.add(1, labels: [m, arm, "error"]) }
                duration.observe(0.05 * Double(i + 1), labels: [m, arm])
                info.set(1, labels: [arm, m])
            }
        }
        rejected.add(2, labels: ["malformed"])
        return registry
    }

    /// The full render's sample lines for `values`, each family's header kept when any line is.
    static func expected(_ full: String, _ values: Set<String>) -> String {
        var out = "", header = "", kept = ""
        func flush() { if !kept.isEmpty { out += header + kept }; header = ""; kept = "" }
        for line in full.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if line.hasPrefix("# HELP") { flush() }
            if line.hasPrefix("#") { header += line + "\n"; continue }
            let escaped = values.map { "migration=\"" + $0.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            if escaped.contains(where: { line.contains($0) }) { kept += line + "\n" }
        }
        flush()
        return out
    }

    @Test("the selected migrations' lines, as the full render writes them", arguments: [
        [], ["a"], ["b", "a"], ["c", "not-there"], ["ä", #"q"uote"#], ["b-2", "b"], migrations,
    ] as [[String]])
    func selectedLinesMatchTheFullRender(values: [String]) {
        for registry in [Self.filled(MetricRegistry(indexedLabel: "migration")), Self.filled(MetricRegistry())] {
            let full = String(decoding: registry.render(), as: UTF8.self)
            let part = String(decoding: registry.render(selection: SeriesSelection(label: "migration", values: values)),
                              as: UTF8.self)
            #expect(part == Self.expected(full, Set(values)))
        }
    }

    @Test func theIndexFollowsRemovals() {
        let registry = Self.filled(MetricRegistry(indexedLabel: "migration"))
        let requests = registry.counter("x_requests_total", help: "Requests.", labels: ["migration", "arm", "class"])
        let info = registry.gauge("x_arm_info", help: "Arms.", labels: ["arm", "migration"])
        requests.remove(labels: ["a", "new", "ok"])
        info.removeAll { $0[1] == "b" }
        requests.add(5, labels: ["a", "newer", "ok"])
        let values = ["a", "b", "c"]
        let full = String(decoding: registry.render(), as: UTF8.self)
        let part = String(decoding: registry.render(selection: SeriesSelection(label: "migration", values: values)),
                          as: UTF8.self)
        #expect(part == Self.expected(full, Set(values)))
        #expect(part.contains(#"x_requests_total{migration="a",arm="newer",class="ok"} 5"#))
        #expect(!part.contains(#"x_requests_total{migration="a",arm="new",class="ok"}"#))
        #expect(!part.contains(#"x_arm_info{arm="new",migration="b"}"#))
    }

    @Test func aLabelNoFamilyHasRendersNothing() {
        let registry = Self.filled(MetricRegistry(indexedLabel: "migration"))
        #expect(registry.render(selection: SeriesSelection(label: "tenant", values: ["a"])).isEmpty)
    }
}
