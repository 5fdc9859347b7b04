import GlidepathCore

/// The status page: server-rendered HTML with inline CSS and SVG, no script, no external asset (the
/// response's Content-Security-Policy forbids loading any). Pure: page data in, HTML text out; every
/// string from outside goes through `HTML.escape`.
///
/// `GET /` is the overview of every migration, `GET /migrations/{name}` one migration
/// (`StatusPage+Migration.swift`). Pages reload themselves every `refreshSeconds` with a
/// `<meta http-equiv="refresh">` unless opened with `?refresh=off`.
package enum StatusPage {
    package static let refreshSeconds = 5

    /// The Content-Security-Policy every page is served with: nothing may be loaded from anywhere,
    /// inline styles and `data:` images only, no script at all.
    package static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        + "script-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    // MARK: Overview

    /// `GET /`: one row per migration, ordered by name.
    package static func overview(_ data: OverviewPageData) -> String {
        var rows: [(String, String)] = data.entries.map { ($0.name, overviewRow($0, data: data)) }
        rows += data.broken.map { ($0.name, brokenRow($0, data: data)) }
        rows.sort { $0.0 < $1.0 }
        var states: [String: Int] = [:]
        for e in data.entries { states[e.status.phase.rawValue, default: 0] += 1 }
        if !data.broken.isEmpty { states["broken"] = data.broken.count }
        let summary = ["ramping", "waiting", "paused", "promoted", "rolled_back", "broken"].compactMap { s in
            states[s].map { "\($0) \(stateName(s))" }
        }
        var body = "<h1>Migrations</h1><p class=\"sub\">\(rows.count) migration\(rows.count == 1 ? "" : "s")"
            + (summary.isEmpty ? "" : ": " + summary.joined(separator: ", ")) + "</p>"
        body += "<div class=\"card\">"
        if rows.isEmpty {
            body += "<p class=\"muted\">No migrations yet. Apply a policy (<code>glidepath apply FILE</code>) or put one "
                + "in the policies directory.</p>"
        } else {
            body += "<table class=\"overview\"><thead><tr><th>Migration</th><th>State</th><th>Weights <span class=\"muted\">(candidate)</span></th>"
                + "<th class=\"num\">Step</th><th class=\"num\">In step</th><th>Judge</th></tr></thead><tbody>"
            body += rows.map(\.1).joined()
            body += "</tbody></table>"
        }
        body += "</div>"
        return document(title: "glidepath: migrations", path: "/", refresh: data.refresh, now: data.now, body: body)
    }

    static func overviewRow(_ e: MigrationEntry, data: OverviewPageData) -> String {
        let s = e.status, p = e.policy
        // A paused migration is where it is because of the operator's reason; otherwise the judge says why.
        let judge: String
        if s.phase == .paused {
            judge = "<span class=\"rule\">paused</span> <span class=\"clip\" title=\"\(HTML.escape(s.reason))\">"
                + "\(HTML.escape(s.reason))</span>"
        } else if let v = e.judge.lastVerdict {
            judge = "<span class=\"rule \(v.action.rawValue)\">\(v.action.rawValue) · \(HTML.escape(v.rule.rawValue))</span> "
                + "<span class=\"clip\" title=\"\(HTML.escape(v.reason))\">\(HTML.escape(v.reason))</span>"
        } else {
            judge = "<span class=\"muted\">not judged yet</span>"
        }
        return "<tr><td><a class=\"name\" href=\"\(link(e.name, refresh: data.refresh))\">\(HTML.escape(e.name))</a>"
            + "<div class=\"muted small\">\(HTML.escape(p.baseline)) → \(HTML.escape(p.candidate))</div></td>"
            + "<td>\(badge(s.phase.rawValue))</td>"
            + "<td>\(weightBar(baseline: p.baseline, candidate: p.candidate, weight: s.candidateWeight(p), compact: true))"
            + (s.mirror(p) > .zero ? "<div class=\"muted small\">shadow \(s.mirror(p))%</div>" : "") + "</td>"
            + "<td class=\"num\" title=\"step \(s.step) (0-based, as in the API and the reasons) of \(p.steps.count)\">"
            + "\(s.step)/\(p.steps.count)</td>"
            + "<td class=\"num\">\(ReasonFormat.duration(milliseconds: max(0, data.now.steady.subtractingSaturating(s.stepStartedAt))))</td>"
            + "<td class=\"judge\">\(judge)</td></tr>"
    }

    static func brokenRow(_ b: BrokenMigration, data: OverviewPageData) -> String {
        let weights = b.lastDecision.map {
            weightBar(baseline: $0.baseline, candidate: $0.candidate, weight: $0.candidateWeight, compact: true)
        } ?? "<span class=\"muted\">unknown</span>"
        return "<tr><td><a class=\"name\" href=\"\(link(b.name, refresh: data.refresh))\">\(HTML.escape(b.name))</a></td>"
            + "<td>\(badge("broken"))</td><td>\(weights)</td><td class=\"num\">—</td><td class=\"num\">—</td>"
            + "<td class=\"judge\"><span class=\"clip\" title=\"\(HTML.escape(b.reason))\">quarantined: "
            + "\(HTML.escape(b.reason))</span></td></tr>"
    }

    // MARK: Not found

    /// The page for a name no migration has (served with 404).
    package static func notFound(_ name: String, now: TimeReading, refresh: Bool) -> String {
        let body = "<h1>No migration named “\(HTML.escape(name))”</h1><div class=\"card\"><p>The controller has no "
            + "migration by that name. <a href=\"\(refresh ? "/" : "/?refresh=off")\">See every migration</a>.</p></div>"
        return document(title: "glidepath: not found", path: "/migrations/" + HTML.pathSegment(name), refresh: false,
                        now: now, body: body)
    }

    // MARK: Shared pieces

    /// The whole document: head with the style sheet, the top bar (home link, refresh switch, time) and `body`.
    static func document(title: String, path: String, refresh: Bool, now: TimeReading, body: String) -> String {
        let time = utc(now.wall)
        let toggle = refresh
            ? "auto-refresh every \(refreshSeconds) s · <a href=\"\(HTML.escape(path))?refresh=off\">pause</a>"
            : "auto-refresh paused · <a href=\"\(HTML.escape(path))\">resume</a>"
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + (refresh ? "<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">" : "")
            + "<link rel=\"icon\" href=\"data:,\"><title>\(HTML.escape(title))</title><style>\(style)</style></head>"
            + "<body><header class=\"top\"><a href=\"\(refresh ? "/" : "/?refresh=off")\">glidepath</a>"
            + "<span class=\"muted-inv\">canary migrations</span>"
            + "<span class=\"meta\">\(toggle) · \(time) · v\(ServerMetrics.version)</span></header>"
            + "<main>\(body)<footer>Read-only view of the controller; no token needed. "
            + "The same data as JSON: <code>GET /v1/migrations</code>, <code>GET /v1/migrations/{name}</code>; "
            + "history: <code>glidepath history NAME</code>.</footer></main></body></html>\n"
    }

    /// A link to a migration's page, escaped for an attribute.
    static func link(_ name: String, refresh: Bool) -> String {
        "/migrations/" + HTML.pathSegment(name) + (refresh ? "" : "?refresh=off")
    }

    /// `rolled_back` → `rolled back`.
    static func stateName(_ state: String) -> String { state.replacingOccurrences(of: "_", with: " ") }

    /// A coloured state label.
    static func badge(_ state: String) -> String {
        "<span class=\"badge \(HTML.escape(state))\">\(HTML.escape(stateName(state)))</span>"
    }

    /// The traffic split as a bar: the baseline's share (left) then the candidate's. A segment is
    /// labelled inside when it is at least 15 % wide; the compact form (overview) prints the candidate's
    /// weight beside the bar, the full form a legend with both arms under it.
    static func weightBar(baseline: String, candidate: String, weight: Weight, compact: Bool) -> String {
        let c = "\(weight)%", b = "\(weight.complement)%"
        let wide = compact ? 10_001 : 1500  // a compact bar is too thin for text
        var s = "<div class=\"wbar\(compact ? " compact" : "")\" title=\"\(HTML.escape("\(baseline) \(b) · \(candidate) \(c)"))\">"
        if weight.complement.basisPoints > 0 {
            s += "<span class=\"b\" style=\"width:\(barWidth(weight.complement))\">"
                + (weight.complement.basisPoints >= wide ? b : "") + "</span>"
        }
        if weight.basisPoints > 0 {
            s += "<span class=\"c\" style=\"width:\(barWidth(weight))\">" + (weight.basisPoints >= wide ? c : "") + "</span>"
        }
        s += "</div>"
        if compact { return "<div class=\"wcell\">\(s)<span class=\"wtext\">\(c)</span></div>" }  // the candidate's
        return s + "<div class=\"legend\"><span class=\"key\"><i class=\"sw baseline\"></i>\(HTML.escape(baseline)) "
            + "<span class=\"muted\">baseline</span> <b>\(b)</b></span><span class=\"key\"><i class=\"sw candidate\"></i>"
            + "\(HTML.escape(candidate)) <span class=\"muted\">candidate</span> <b>\(c)</b></span></div>"
    }

    /// A CSS width for a weight: `5%`, `12.5%`, `100%`.
    package static func barWidth(_ w: Weight) -> String { "\(w)%" }

    /// `2025-11-24 16:00:00 UTC`.
    static func utc(_ wall: Int64) -> String {
        let iso = ISOTime.format(milliseconds: wall)
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8)) + " UTC"
    }

    /// `16:00:00`.
    static func clock(_ wall: Int64) -> String { String(ISOTime.format(milliseconds: wall).dropFirst(11).prefix(8)) }
}
