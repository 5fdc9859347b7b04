import Testing
import PromText

/// The registry's change stamps move with every change to a value's series in the asked-for families,
/// and only then.
struct ChangeStampsTests {
    let registry = MetricRegistry(indexedLabel: "migration")
    let requests: CounterFamily
    let duration: HistogramFamily
    let evidence: GaugeFamily
    let counted: Set<String> = ["x_requests_total", "x_duration_seconds"]

    init() {
        requests = registry.counter("x_requests_total", help: "", labels: ["migration", "arm"])
        duration = registry.histogram("x_duration_seconds", help: "", labels: ["arm", "migration"], buckets: [0.1, 1])
        evidence = registry.gauge("x_evidence", help: "", labels: ["migration"])
    }

    func stamp(_ m: String) -> UInt64? { registry.changes.current(m, families: counted) }

    @Test func unknownValuesHaveNoStamp() {
        #expect(stamp("a") == nil)
        evidence.set(1, labels: ["a"])  // a family not asked about
        #expect(stamp("a") == nil)
        #expect(registry.changes.current("a", families: ["x_evidence"]) != nil)
    }

    @Test(arguments: ["counter", "histogram observe", "histogram add", "new series", "remove"])
    func everyKindOfChangeMovesTheStamp(change: String) throws {
        requests.add(1, labels: ["a", "old"])
        duration.observe(0.2, labels: ["old", "a"])
        requests.add(1, labels: ["b", "old"])
        let before = try #require(stamp("a"))
        let other = stamp("b")
        #expect(stamp("a") == before)  // reading moves nothing
        switch change {
        case "counter": requests.add(0, labels: ["a", "old"])
        case "histogram observe": duration.observe(5, labels: ["old", "a"])
        case "histogram add": duration.add(bucketCounts: [0, 1, 0], sum: 0.5, labels: ["old", "a"])
        case "new series": requests.add(1, labels: ["a", "new"])
        default: requests.remove(labels: ["a", "old"])
        }
        let after = try #require(stamp("a"))
        #expect(after > before)
        #expect(stamp("b") == other)  // another migration's stamp stays
    }

    @Test func aChangeInAnotherFamilyLeavesTheStamp() throws {
        requests.add(1, labels: ["a", "old"])
        let before = try #require(stamp("a"))
        evidence.set(0.5, labels: ["a"])
        evidence.set(0.7, labels: ["a"])
        #expect(stamp("a") == before)
    }

    @Test func aForgottenValueComesBackWithANewerStamp() throws {
        requests.add(1, labels: ["a", "old"])
        duration.observe(0.2, labels: ["old", "a"])
        let before = try #require(stamp("a"))
        registry.removeSeries(label: "migration", value: "a")
        #expect(stamp("a") == nil)
        requests.add(1, labels: ["a", "old"])
        let again = try #require(stamp("a"))
        #expect(again > before)
    }

    @Test func aRegistryWithoutIndexHasNoStamps() {
        let plain = MetricRegistry()
        let c = plain.counter("y_total", help: "", labels: ["migration"])
        c.add(1, labels: ["a"])
        #expect(plain.changes.current("a", families: ["y_total"]) == nil)
    }

    /// A family filter renders just those families, with the same lines as the unfiltered selection.
    @Test func aFamilyFilterRendersOnlyThoseFamilies() {
        requests.add(3, labels: ["a", "old"])
        duration.observe(0.2, labels: ["old", "a"])
        evidence.set(1, labels: ["a"])
        let all = String(decoding: registry.render(selection: SeriesSelection(label: "migration", values: ["a"])), as: UTF8.self)
        let some = String(decoding: registry.render(selection: SeriesSelection(label: "migration", values: ["a"], families: counted)),
                          as: UTF8.self)
        #expect(all.contains("x_evidence{migration=\"a\"} 1\n"))
        #expect(!some.contains("x_evidence"))
        let expected = all.split(separator: "\n").filter { !$0.contains("x_evidence") }
        #expect(some.split(separator: "\n") == expected)
    }
}
