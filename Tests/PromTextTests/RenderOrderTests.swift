import Testing
import PromText

/// A family's render order is kept between renders and patched with the series added and removed since
/// (`SeriesTable.sorted()`): after any mix of changes it must equal a full sort, i.e. the render of a
/// fresh registry holding the same series.
struct RenderOrderTests {
    /// SplitMix64: a fixed sequence per seed.
    private struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    private static let migrations = ["a", "a10", "a2", "B", "b", "é", "z-1", "_"]
    private static let guards = ["errors", "latency_p99", "latency_p99.9", "exposure", "Errors", "errors2"]

    private static func fresh(_ model: [[String]: Double]) -> [UInt8] {
        let registry = MetricRegistry(indexedLabel: "migration")
        let family = registry.gauge("x_evidence", help: "Evidence.", labels: ["migration", "guard"])
        for (labels, value) in model { family.set(value, labels: labels) }
        return registry.render()
    }

    @Test(arguments: [1, 2, 3, 42, 1_000])
    func patchedOrderEqualsAFullSort(seed: Int) {
        var random = Random(state: UInt64(seed))
        let registry = MetricRegistry(indexedLabel: "migration")
        let family = registry.gauge("x_evidence", help: "Evidence.", labels: ["migration", "guard"])
        var model: [[String]: Double] = [:]
        var renders = 0
        for step in 0..<600 {
            let labels = [Self.migrations[random.next(Self.migrations.count)], Self.guards[random.next(Self.guards.count)]]
            switch random.next(10) {
            case 0..<5:
                family.set(Double(step), labels: labels)
                model[labels] = Double(step)
            case 5..<8:
                family.remove(labels: labels)
                model[labels] = nil
            case 8:
                // A whole migration goes (a delete): the order is rebuilt from scratch.
                registry.removeSeries(label: "migration", value: labels[0])
                model = model.filter { $0.key[0] != labels[0] }
            default:
                #expect(registry.render() == Self.fresh(model), "seed \(seed), step \(step)")
                renders += 1
            }
        }
        #expect(registry.render() == Self.fresh(model))
        #expect(renders > 30)
    }

    @Test func removedThenAddedAgainBetweenRendersAppearsOnce() {
        let registry = MetricRegistry(indexedLabel: "migration")
        let family = registry.gauge("x_evidence", help: "Evidence.", labels: ["migration", "guard"])
        family.set(1, labels: ["m", "b"])
        family.set(2, labels: ["m", "d"])
        _ = registry.render()
        family.remove(labels: ["m", "b"])
        family.set(3, labels: ["m", "c"])
        family.set(4, labels: ["m", "b"])
        family.set(5, labels: ["m", "a"])
        family.remove(labels: ["m", "c"])
        let text = String(decoding: registry.render(), as: UTF8.self)
        #expect(text == """
            # HELP x_evidence Evidence.
            # TYPE x_evidence gauge
            x_evidence{migration="m",guard="a"} 5
            x_evidence{migration="m",guard="b"} 4
            x_evidence{migration="m",guard="d"} 2

            """)
    }
}
