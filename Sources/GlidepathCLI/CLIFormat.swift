import GlidepathServer
import Foundation

/// Human-readable renderings of the API's JSON for `status` and `history`.
package enum CLIFormat {
    /// A number as the API wrote it (`5`, `12.5`).
    package static func number(_ v: Any?) -> String {
        guard let n = v as? NSNumber else { return "-" }
        let d = n.doubleValue
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }

    /// One row per migration: name, state, step, candidate weight, revision, and the reason: what the judge
    /// says now (its last verdict: "waiting for evidence …", "2m of the bake left …"), or, before its first
    /// tick or with `verdict: false` (the answer to an operator action), the last decision's reason.
    package static func statusTable(_ statuses: [[String: Any]], verdict: Bool = true) -> String {
        var rows = [["MIGRATION", "STATE", "STEP", "CANDIDATE", "REVISION", "REASON"]]
        for s in statuses {
            let steps = s["steps"].map { "/\(number($0))" } ?? ""
            let candidate = s["candidate"] as? String ?? ""
            let weights = s["weights"] as? [String: Any] ?? [:]
            let shadow = (s["mirror"] as? NSNumber).flatMap { $0.doubleValue > 0 ? ", shadow \(number($0))%" : nil } ?? ""
            rows.append([
                s["migration"] as? String ?? "?", s["state"] as? String ?? "?",
                "\(number(s["step"]))\(steps)", "\(candidate) \(number(weights[candidate]))%\(shadow)",
                number(s["revision"]), reason(s, verdict: verdict),
            ])
        }
        return table(rows)
    }

    /// The REASON cell of `statusTable`.
    static func reason(_ s: [String: Any], verdict: Bool) -> String {
        if let broken = s["brokenReason"] as? String { return "quarantined: \(broken)" }
        if verdict, let v = s["verdict"] as? [String: Any], let r = v["reason"] as? String { return r }
        return s["reason"] as? String ?? ""
    }

    /// One line per decision: time, revision, action, steps, weights, actor, reason.
    package static func historyLines(_ decisions: [[String: Any]]) -> String {
        var rows = [["TIME", "REV", "ACTION", "STEP", "WEIGHTS", "ACTOR", "REASON"]]
        for d in decisions {
            let weights = (d["weights"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }
                .map { "\($0.key)=\(number($0.value))%" }.joined(separator: " ")
            rows.append([
                d["at"] as? String ?? "", number(d["revision"]), d["action"] as? String ?? "",
                "\(number(d["fromStep"]))→\(number(d["toStep"]))", weights, actor(d),
                d["reason"] as? String ?? "",
            ])
        }
        return table(rows)
    }

    /// The line above an archive's decisions (`history --archived`): which archive, when, in which state, who.
    package static func archiveHeader(_ a: [String: Any]) -> String {
        var s = "archive #\(number(a["archive"])) of \(a["migration"] as? String ?? "?"): deleted \(a["archivedAt"] as? String ?? "?")"
        if let by = a["by"] as? String, !by.isEmpty { s += " by \(by)" }
        s += ", \(a["state"] as? String ?? "?") at revision \(number(a["revision"]))"
        s += " — \(a["reason"] as? String ?? "")\n"
        return s
    }

    /// `judge`, `operator`, or `operator alice@laptop` when the decision says who.
    package static func actor(_ d: [String: Any]) -> String {
        let actor = d["actor"] as? String ?? "?"
        guard let by = d["by"] as? String, !by.isEmpty else { return actor }
        return "\(actor) \(by)"
    }

    /// Left-aligned columns separated by two spaces; the last column is not padded.
    package static func table(_ rows: [[String]]) -> String {
        guard let width = rows.first?.count else { return "" }
        var widths = [Int](repeating: 0, count: width)
        for r in rows { for (i, c) in r.enumerated() where i < width - 1 { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            r.enumerated().map { i, c in i < width - 1 ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0) : c }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
