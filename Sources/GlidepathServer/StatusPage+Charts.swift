import GlidepathCore

extension StatusPage {
    /// One chart of the page: its title, which series, the axis unit and the smallest axis top.
    struct ChartKind {
        var title: String
        var series: KeyPath<HistorySeries.Arm, [ChartPoint]>
        var minimumMax: Double
        var tick: @Sendable (Double) -> String
        var value: @Sendable (Double) -> String
    }

    static var chartKinds: [ChartKind] { [
        ChartKind(title: "Request rate", series: \.requestRate, minimumMax: 1, tick: rateTick,
                  value: { rateTick($0).replacingOccurrences(of: "/s", with: " req/s") }),
        ChartKind(title: "Error rate", series: \.errorRate, minimumMax: 0.01, tick: percentTick,
                  value: { ReasonFormat.percent($0) }),
        ChartKind(title: "p99 latency", series: \.latency, minimumMax: 0.1, tick: secondsTick,
                  value: { ReasonFormat.latency(seconds: $0) }),
        ChartKind(title: "p99 time to first token", series: \.ttft, minimumMax: 0.1, tick: secondsTick,
                  value: { ReasonFormat.latency(seconds: $0) }),
    ] }

    /// `0.5/s`, `12/s`, `1,200/s`.
    @Sendable static func rateTick(_ v: Double) -> String {
        (v < 10 ? ReasonFormat.plain((v * 10).rounded() / 10) : ReasonFormat.count(Int64(v.rounded()))) + "/s"
    }

    /// `0.25%`, `5%`.
    @Sendable static func percentTick(_ v: Double) -> String { ReasonFormat.plain(v * 100) + "%" }

    /// `250 ms`, `1.5 s`.
    @Sendable static func secondsTick(_ v: Double) -> String {
        v < 1 ? ReasonFormat.plain((v * 1000 * 10).rounded() / 10) + " ms" : ReasonFormat.plain(v) + " s"
    }

    /// Request rate, error rate, p99 latency and p99 TTFT per arm over the last minutes (up to 30), with
    /// the decisions taken meanwhile as dashed lines.
    static func chartsCard(_ e: MigrationEntry, _ d: MigrationPageData) -> String {
        let now = d.now.steady
        let (start, tick) = SvgChart.window(oldest: d.history.first?.at, now: now)
        let arms = [(Arm.baseline, HistorySeries.series(d.history, arm: .baseline)),
                    (Arm.candidate, HistorySeries.series(d.history, arm: .candidate))]
        let markers = d.decisions.map { logged in
            SvgChart.Marker(at: now.subtractingSaturating(d.now.wall.subtractingSaturating(logged.decision.at)),
                            label: "\(logged.decision.action.rawValue) at \(clock(logged.decision.at)) UTC")
        }
        let minutes = (now - start) / 60_000
        let span = minutes == 1 ? "minute" : "\(minutes) minutes"
        var out = "<div class=\"card\"><h2>Last \(span)</h2><div class=\"legend\" style=\"margin:0 0 8px\">"
        for (arm, _) in arms {
            let role = ServerMetrics.role(arm)
            out += "<span class=\"key\"><i class=\"sw \(role)\"></i>\(HTML.escape(e.policy.name(of: arm))) "
                + "<span class=\"muted\">\(role)</span></span>"
        }
        out += "<span class=\"key muted small\">┆ decision</span></div><div class=\"charts\">"
        for kind in chartKinds {
            var chart = SvgChart(start: start, end: now, tickSeconds: tick, minimumMax: kind.minimumMax, format: kind.tick)
            chart.height = 160
            let series = arms.map { arm, s in
                SvgChart.Series(name: e.policy.name(of: arm), cssClass: ServerMetrics.role(arm), points: s[keyPath: kind.series])
            }
            let latest = arms.map { arm, s in
                "\(HTML.escape(e.policy.name(of: arm))) "
                    + (HistorySeries.latest(s[keyPath: kind.series]).map(kind.value) ?? "—")
            }
            out += "<div class=\"chart\"><h3>\(kind.title)</h3><div class=\"now\">now: \(latest.joined(separator: " · "))</div>"
                + chart.render(label: "\(kind.title) per arm, last \(span)", series: series, markers: markers)
                + "</div>"
        }
        out += "</div>"
        let every = ReasonFormat.duration(milliseconds: min(e.policy.interval.milliseconds, StatusHistory.defaultMaxSampleEvery))
        out += "<p class=\"note\">"
            + (d.history.count < 2
                ? "Collecting: the first points appear after two samples of the counters (one every \(every))."
                : "The controller's own counters, sampled every \(every) in memory (older points thinned; a restart "
                    + "starts a new history); each point covers at least the "
                    + "\(ReasonFormat.duration(milliseconds: HistorySeries.defaultWindow)) before it. p99 from the "
                    + "histogram buckets, as <code>histogram_quantile</code> computes it.")
            + "</p></div>"
        return out
    }
}
