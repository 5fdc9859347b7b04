import GlidepathCore
import Testing
@testable import GlidepathServer

/// The SVG line chart: axis scales, coordinates, gaps, and the text it writes.
@Suite struct SvgChartTests {
    @Test(arguments: [(0.3, 0.5), (2.5, 2.5), (3, 5), (7, 10), (12, 20), (0.0004, 0.0005), (250, 250), (1, 1), (0, 1)])
    func niceSteps(_ x: Double, _ step: Double) {
        #expect(abs(SvgChart.niceStep(x) - step) < 1e-12)
    }

    @Test func valueTicksCoverTheMaximumFromZero() {
        #expect(SvgChart.ticks(maximum: 10, minimumMax: 1) == [0, 2.5, 5, 7.5, 10])
        #expect(SvgChart.ticks(maximum: 453, minimumMax: 1) == [0, 200, 400, 600])
        // An idle chart still has a scale.
        #expect(SvgChart.ticks(maximum: 0, minimumMax: 0.01).map { StatusPage.percentTick($0) } == ["0%", "0.25%", "0.5%", "0.75%", "1%"])
    }

    @Test(arguments: [(nil, 60_000, 15), (30_000, 60_000, 15), (90_000, 120_000, 30), (360_000, 600_000, 120),
                      (1_000_000, 1_200_000, 300), (7_200_000, 1_800_000, 300)] as [(Int64?, Int64, Int64)])
    func theWindowIsTheShortestThatHoldsTheSamples(_ age: Int64?, _ span: Int64, _ tick: Int64) {
        let now: Int64 = 10_000_000
        let w = SvgChart.window(oldest: age.map { now - $0 }, now: now)
        #expect(w.start == now - span)
        #expect(w.tickSeconds == tick)
    }

    @Test(arguments: [(0, "now"), (45, "\u{2212}45 s"), (300, "\u{2212}5 min"), (90, "\u{2212}1 min 30 s")] as [(Int64, String)])
    func timeLabels(_ seconds: Int64, _ label: String) {
        #expect(SvgChart.agoLabel(seconds: seconds) == label)
    }

    func chart() -> SvgChart {
        SvgChart(start: 0, end: 60_000, tickSeconds: 15, minimumMax: 1, format: StatusPage.rateTick)
    }

    @Test func pointsLandWhereTheirTimeAndValueSay() {
        let c = chart()  // plot 58…508 × 10…146
        #expect(c.x(0) == 58 && c.x(30_000) == 283 && c.x(60_000) == 508)
        #expect(c.y(0, top: 10) == 146 && c.y(5, top: 10) == 78 && c.y(10, top: 10) == 10)
        #expect(c.y(25, top: 10) == 10)  // clamped
    }

    @Test func unknownValuesBreakTheLine() {
        let points = [ChartPoint(at: 0, value: 0), ChartPoint(at: 15_000, value: 10), ChartPoint(at: 30_000, value: nil),
                      ChartPoint(at: 45_000, value: 5), ChartPoint(at: 90_000, value: 1)]
        let runs = chart().segments(points, axisTop: 10)
        #expect(runs.count == 2)
        #expect(runs[0].map(\.0) == [58, 170.5] && runs[0].map(\.1) == [146, 10])
        #expect(runs[1].map(\.0) == [395.5] && runs[1].map(\.1) == [78])  // out-of-window point dropped
    }

    @Test func rendersAxesLinesDotsAndMarkers() {
        let svg = chart().render(label: "Request rate <per arm>", series: [
            SvgChart.Series(name: "openai", cssClass: "baseline",
                            points: [ChartPoint(at: 0, value: 0), ChartPoint(at: 30_000, value: 5), ChartPoint(at: 60_000, value: 10)]),
            SvgChart.Series(name: "holy<sheep>", cssClass: "candidate", points: [ChartPoint(at: 30_000, value: 2.5)]),
        ], markers: [SvgChart.Marker(at: 15_000, label: "advance at 16:00:15 UTC")])
        #expect(svg.hasPrefix("<svg class=\"chart\" viewBox=\"0 0 520 168\" role=\"img\" aria-label=\"Request rate &lt;per arm&gt;\">"))
        #expect(svg.contains("<path class=\"line baseline\" d=\"M58 146 L283 78 L508 10\"><title>openai</title></path>"))
        #expect(svg.contains("<circle class=\"dot candidate\" cx=\"283\" cy=\"112\" r=\"2.5\"/>"))
        #expect(svg.contains(">10/s</text>") && svg.contains(">2.5/s</text>") && svg.contains(">0/s</text>"))
        #expect(svg.contains(">\u{2212}1 min</text>") && svg.contains(">\u{2212}45 s</text>") && svg.contains(">now</text>"))
        #expect(svg.contains("<line class=\"marker\" x1=\"170.5\" x2=\"170.5\" y1=\"10\" y2=\"146\"><title>advance at 16:00:15 UTC</title></line>"))
        #expect(!svg.contains("<sheep>"))
        #expect(!svg.contains("no data"))
    }

    @Test func aChartWithoutAnyValueSaysSo() {
        let svg = chart().render(label: "TTFT", series: [SvgChart.Series(name: "a", cssClass: "baseline",
                                                                      points: [ChartPoint(at: 30_000, value: nil)])])
        #expect(svg.contains("<text class=\"empty\" x=\"283\" y=\"78\" text-anchor=\"middle\">no data in this window</text>"))
        #expect(!svg.contains("<path"))
    }
}
