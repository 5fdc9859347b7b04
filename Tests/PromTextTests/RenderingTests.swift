import Testing
import PromText

func text(_ registry: MetricRegistry) -> String { String(decoding: registry.render(), as: UTF8.self) }

struct RenderingTests {
    @Test("counter renders HELP, TYPE and series sorted label by label")
    func counter() {
        let registry = MetricRegistry()
        let requests = registry.counter("glidepath_requests_total", help: "Requests observed.", labels: ["migration", "arm", "class"])
        requests.add(3, labels: ["m", "b", "ok"])
        requests.add(1, labels: ["m", "a", "error"])
        requests.add(2, labels: ["m", "a", "ok"])
        requests.add(0.5, labels: ["m", "a", "ok"])
        #expect(text(registry) == """
            # HELP glidepath_requests_total Requests observed.
            # TYPE glidepath_requests_total counter
            glidepath_requests_total{migration="m",arm="a",class="error"} 1
            glidepath_requests_total{migration="m",arm="a",class="ok"} 2.5
            glidepath_requests_total{migration="m",arm="b",class="ok"} 3

            """)
        #expect(requests.value(labels: ["m", "a", "ok"]) == 2.5)
        #expect(requests.value(labels: ["never", "seen", "ok"]) == 0)
    }

    @Test("gauge renders NaN and infinities, and remove drops a series")
    func gauge() {
        let registry = MetricRegistry()
        let weight = registry.gauge("glidepath_weight_percent", help: "Weight.", labels: ["migration", "arm"])
        weight.set(95, labels: ["chat", "openai"])
        weight.set(5, labels: ["chat", "holysheep"])
        weight.set(.nan, labels: ["gone", "x"])
        weight.set(-.infinity, labels: ["inf", "neg"])
        weight.set(.infinity, labels: ["inf", "pos"])
        weight.add(-0.25, labels: ["chat", "openai"])
        weight.remove(labels: ["gone", "x"])
        #expect(weight.value(labels: ["gone", "x"]) == nil)
        #expect(text(registry) == """
            # HELP glidepath_weight_percent Weight.
            # TYPE glidepath_weight_percent gauge
            glidepath_weight_percent{migration="chat",arm="holysheep"} 5
            glidepath_weight_percent{migration="chat",arm="openai"} 94.75
            glidepath_weight_percent{migration="inf",arm="neg"} -Inf
            glidepath_weight_percent{migration="inf",arm="pos"} +Inf

            """)
        weight.removeAll { $0[0] == "inf" }
        #expect(weight.value(labels: ["inf", "pos"]) == nil)
        #expect(weight.value(labels: ["chat", "holysheep"]) == 5)
    }

    @Test("histogram renders cumulative buckets with le last, +Inf, sum and count")
    func histogram() {
        let registry = MetricRegistry()
        let duration = registry.histogram("d_seconds", help: "Durations.", labels: ["migration", "arm"], buckets: [0.25, 0.5, 1])
        duration.observe(0.25, labels: ["m", "b"])
        duration.observe(0.5, labels: ["m", "b"])
        duration.observe(4, labels: ["m", "b"])
        duration.add(bucketCounts: [2, 0, 1, 0], sum: 1.5, labels: ["m", "a"])
        #expect(text(registry) == """
            # HELP d_seconds Durations.
            # TYPE d_seconds histogram
            d_seconds_bucket{migration="m",arm="a",le="0.25"} 2
            d_seconds_bucket{migration="m",arm="a",le="0.5"} 2
            d_seconds_bucket{migration="m",arm="a",le="1"} 3
            d_seconds_bucket{migration="m",arm="a",le="+Inf"} 3
            d_seconds_sum{migration="m",arm="a"} 1.5
            d_seconds_count{migration="m",arm="a"} 3
            d_seconds_bucket{migration="m",arm="b",le="0.25"} 1
            d_seconds_bucket{migration="m",arm="b",le="0.5"} 2
            d_seconds_bucket{migration="m",arm="b",le="1"} 2
            d_seconds_bucket{migration="m",arm="b",le="+Inf"} 3
            d_seconds_sum{migration="m",arm="b"} 4.75
            d_seconds_count{migration="m",arm="b"} 3

            """)
        let snapshot = duration.snapshot(labels: ["m", "b"])
        #expect(snapshot == HistogramSnapshot(upperBounds: [0.25, 0.5, 1], bucketCounts: [1, 1, 0, 1], sum: 4.75))
        #expect(snapshot?.cumulativeCounts == [1, 2, 2, 3])
        #expect(snapshot?.count == 3)
        #expect(duration.snapshot(labels: ["m", "none"]) == nil)
    }

    @Test("label values and HELP text are escaped")
    func escaping() {
        let registry = MetricRegistry()
        let gauge = registry.gauge("g", help: "Line one\nback\\slash \"quoted\"", labels: ["v"])
        gauge.set(1, labels: ["a\\b\"c\nd"])
        gauge.set(2, labels: ["ünïcödé"])
        #expect(text(registry) == #"""
            # HELP g Line one\nback\\slash "quoted"
            # TYPE g gauge
            g{v="a\\b\"c\nd"} 1
            g{v="ünïcödé"} 2

            """#)
    }

    @Test("families sort by name; series by UTF-8 bytes of each label in turn, whatever the insertion order")
    func sortingIsStable() {
        let orders = [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3]]
        let labelSets = [["a", "z"], ["B", "z"], ["ab", "a"], ["a", "b"], ["é", "a"]]
        var renders: [String] = []
        for order in orders {
            let registry = MetricRegistry()
            let zeta = registry.counter("zeta_total", help: "Z.", labels: ["x", "y"])
            let alpha = registry.gauge("alpha", help: "A.", labels: [])
            let alphaTotal = registry.counter("alpha_total", help: "A2.", labels: [])
            for index in order { zeta.add(Double(index), labels: labelSets[index]) }
            alpha.set(1, labels: [])
            alphaTotal.add(2, labels: [])
            renders.append(text(registry))
        }
        #expect(Set(renders).count == 1)
        #expect(renders[0] == """
            # HELP alpha A.
            # TYPE alpha gauge
            alpha 1
            # HELP alpha_total A2.
            # TYPE alpha_total counter
            alpha_total 2
            # HELP zeta_total Z.
            # TYPE zeta_total counter
            zeta_total{x="B",y="z"} 1
            zeta_total{x="a",y="b"} 3
            zeta_total{x="a",y="z"} 0
            zeta_total{x="ab",y="a"} 2
            zeta_total{x="é",y="a"} 4

            """)
    }

    @Test("a family without series renders nothing; a label-less family renders zero from registration")
    func emptyAndLabelLessFamilies() {
        let registry = MetricRegistry()
        let requests = registry.counter("requests_total", help: "Requests.", labels: ["route"])
        _ = registry.gauge("build_info", help: "Build.", labels: ["version"])
        #expect(registry.render().isEmpty)
        requests.add(1, labels: ["/x"])
        requests.remove(labels: ["/x"])
        #expect(registry.render().isEmpty)

        _ = registry.histogram("glidepath_control_loop_duration_seconds", help: "Tick.", labels: [], buckets: [0.001, 0.1])
        _ = registry.counter("ticks_total", help: "", labels: [])
        #expect(text(registry) == """
            # HELP glidepath_control_loop_duration_seconds Tick.
            # TYPE glidepath_control_loop_duration_seconds histogram
            glidepath_control_loop_duration_seconds_bucket{le="0.001"} 0
            glidepath_control_loop_duration_seconds_bucket{le="0.1"} 0
            glidepath_control_loop_duration_seconds_bucket{le="+Inf"} 0
            glidepath_control_loop_duration_seconds_sum 0
            glidepath_control_loop_duration_seconds_count 0
            # TYPE ticks_total counter
            ticks_total 0

            """)
    }

    @Test("registering the same family twice returns it; the first help text stays")
    func reRegistration() {
        let registry = MetricRegistry()
        let first = registry.counter("c_total", help: "First.", labels: ["a"])
        let second = registry.counter("c_total", help: "Second.", labels: ["a"])
        #expect(first === second)
        let histogram = registry.histogram("h", help: "H.", labels: [], buckets: [1, 2])
        #expect(registry.histogram("h", help: "H.", labels: [], buckets: [1, 2, .infinity]) === histogram)
        #expect(histogram.upperBounds == [1, 2])
        second.add(1, labels: ["x"])
        #expect(text(registry).hasPrefix("# HELP c_total First.\n"))
    }

    @Test("a conflicting re-registration stops the process")
    func conflictingRegistration() async {
        await #expect(processExitsWith: .failure) {
            let registry = MetricRegistry()
            _ = registry.counter("c_total", help: "C.", labels: ["a"])
            _ = registry.gauge("c_total", help: "C.", labels: ["a"])
        }
    }

    @Test("observations land in the first bucket whose bound is >= the value", arguments: [
        (0.0, 0), (1.0, 0), (1.0000001, 1), (2.0, 1), (2.5, 2), (.infinity, 2), (Double.nan, 2), (-5.0, 0),
    ])
    func bucketIndex(value: Double, bucket: Int) {
        let registry = MetricRegistry()
        let histogram = registry.histogram("h", help: "H.", labels: [], buckets: [1, 2])
        #expect(histogram.bucketIndex(value) == bucket)
    }
}
