import GlidepathCore

/// A small line chart as inline SVG: a few series over a time window (steady ms, labelled in minutes
/// before now) against a value axis from 0 to a rounded maximum whose tick labels carry the unit.
/// Pure: values in, SVG text out. Colours come from the page's CSS through the series' class.
package struct SvgChart: Sendable {
    /// One line: a name for its tooltip, a CSS class (`baseline`, `candidate`) and its points.
    package struct Series: Sendable {
        package var name: String
        package var cssClass: String
        package var points: [ChartPoint]
        package init(name: String, cssClass: String, points: [ChartPoint]) {
            self.name = name
            self.cssClass = cssClass
            self.points = points
        }
    }

    /// A vertical dashed line at steady time `at` (a decision), with a tooltip.
    package struct Marker: Sendable {
        package var at: Int64
        package var label: String
        package init(at: Int64, label: String) {
            self.at = at
            self.label = label
        }
    }

    package var width = 520.0
    package var height = 168.0
    package var left = 58.0
    package var right = 12.0
    package var top = 10.0
    package var bottom = 22.0
    /// The window, steady ms; `end` is now.
    package var start: Int64
    package var end: Int64
    /// Seconds between time-axis labels.
    package var tickSeconds: Int64
    /// A tick label with its unit: `120 ms`, `2.5%`.
    package var format: @Sendable (Double) -> String
    /// The value axis reaches at least this (so an idle chart still has a scale).
    package var minimumMax: Double

    package init(start: Int64, end: Int64, tickSeconds: Int64, minimumMax: Double,
                 format: @escaping @Sendable (Double) -> String) {
        self.start = start
        self.end = max(end, start + 1)
        self.tickSeconds = max(1, tickSeconds)
        self.minimumMax = minimumMax
        self.format = format
    }

    /// The window for samples whose oldest is at `oldest` (steady ms): the shortest of 1, 2, 5, 10, 15,
    /// 20 and 30 minutes that holds them (30 at most), and the seconds between its time labels.
    package static func window(oldest: Int64?, now: Int64) -> (start: Int64, tickSeconds: Int64) {
        let span = oldest.map { now.subtractingSaturating($0) } ?? 0
        let choices: [(minutes: Int64, tick: Int64)] = [(1, 15), (2, 30), (5, 60), (10, 120), (15, 300), (20, 300), (30, 300)]
        let pick = choices.first { $0.minutes * 60_000 >= span } ?? choices[choices.count - 1]
        return (now - pick.minutes * 60_000, pick.tick)
    }

    /// The smallest of 1, 2, 2.5, 5 × 10^k at or above `x` (x > 0).
    package static func niceStep(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        var magnitude = 1.0
        while magnitude * 10 <= x { magnitude *= 10 }
        while magnitude > x { magnitude /= 10 }
        for m in [1.0, 2, 2.5, 5, 10] where m * magnitude >= x * (1 - 1e-12) { return m * magnitude }
        return 10 * magnitude
    }

    /// Value-axis ticks from 0: four steps of a nice size covering `maximum` (at least `minimumMax`).
    package static func ticks(maximum: Double, minimumMax: Double) -> [Double] {
        let top = max(maximum.isFinite ? maximum : 0, minimumMax, 1e-12)
        let step = niceStep(top / 4)
        let n = Int((top / step - 1e-9).rounded(.up))
        return (0...max(1, n)).map { Double($0) * step }
    }

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    /// The x coordinate of steady time `at`.
    package func x(_ at: Int64) -> Double {
        left + plotWidth * Double(at - start) / Double(end - start)
    }

    /// The y coordinate of `value` on an axis topped at `top`.
    package func y(_ value: Double, top axisTop: Double) -> Double {
        top + plotHeight * (1 - min(max(value / axisTop, 0), 1))
    }

    /// The polyline pieces of one series inside the window: runs of known values, as `x,y` pairs.
    package func segments(_ points: [ChartPoint], axisTop: Double) -> [[(Double, Double)]] {
        var out: [[(Double, Double)]] = []
        var run: [(Double, Double)] = []
        for p in points where p.at >= start && p.at <= end {
            guard let v = p.value, v.isFinite else {
                if !run.isEmpty { out.append(run); run = [] }
                continue
            }
            run.append((x(p.at), y(v, top: axisTop)))
        }
        if !run.isEmpty { out.append(run) }
        return out
    }

    /// The SVG element; `label` is its accessible name (escaped here).
    package func render(label: String, series: [Series], markers: [Marker] = []) -> String {
        let maximum = series.flatMap { $0.points.filter { $0.at >= start }.compactMap(\.value) }.filter(\.isFinite).max() ?? 0
        let ticks = Self.ticks(maximum: maximum, minimumMax: minimumMax)
        let axisTop = ticks.last ?? 1
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(HTML.escape(label))\">"
        for t in ticks {
            let yy = n(y(t, top: axisTop))
            s += "<line class=\"grid\(t == 0 ? " axis" : "")\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(yy)\" y2=\"\(yy)\"/>"
            s += "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(yy)\" text-anchor=\"end\" dominant-baseline=\"middle\">"
                + "\(HTML.escape(format(t)))</text>"
        }
        var ago = (end - start) / 1000 / tickSeconds * tickSeconds
        while ago >= 0 {
            let at = end - ago * 1000
            s += "<text class=\"tick\" x=\"\(n(x(at)))\" y=\"\(n(height - 6))\" text-anchor=\"middle\">"
                + Self.agoLabel(seconds: ago) + "</text>"
            ago -= tickSeconds
        }
        for marker in markers where marker.at >= start && marker.at <= end {
            let xx = n(x(marker.at))
            s += "<line class=\"marker\" x1=\"\(xx)\" x2=\"\(xx)\" y1=\"\(n(top))\" y2=\"\(n(height - bottom))\">"
                + "<title>\(HTML.escape(marker.label))</title></line>"
        }
        if maximum == 0 && !series.contains(where: { $0.points.contains { $0.at >= start && $0.value != nil } }) {
            s += "<text class=\"empty\" x=\"\(n(left + plotWidth / 2))\" y=\"\(n(top + plotHeight / 2))\" "
                + "text-anchor=\"middle\">no data in this window</text>"
        }
        for line in series {
            let cls = HTML.escape(line.cssClass)
            for run in segments(line.points, axisTop: axisTop) {
                if run.count == 1 {
                    s += "<circle class=\"dot \(cls)\" cx=\"\(n(run[0].0))\" cy=\"\(n(run[0].1))\" r=\"2.5\"/>"
                } else {
                    let d = run.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(n($0.element.0)) \(n($0.element.1))" }
                    s += "<path class=\"line \(cls)\" d=\"\(d.joined(separator: " "))\"><title>\(HTML.escape(line.name))</title></path>"
                }
            }
        }
        return s + "</svg>"
    }

    /// `now`, `−45 s`, `−5 min`, `−1 min 30 s`.
    package static func agoLabel(seconds: Int64) -> String {
        guard seconds > 0 else { return "now" }
        let (m, s) = (seconds / 60, seconds % 60)
        if m == 0 { return "\u{2212}\(s) s" }
        return "\u{2212}\(m) min" + (s == 0 ? "" : " \(s) s")
    }

    /// A coordinate with at most one decimal.
    func n(_ v: Double) -> String { ReasonFormat.plain((v * 10).rounded() / 10) }
}
