import GlidepathCore

extension StatusPage {
    /// The newest decisions: when, what, from which step to which, the candidate's weight after it, who
    /// took it (the operator's name when known) and why, with the numbers behind it folded away.
    static func decisionsCard(_ d: MigrationPageData) -> String {
        var out = "<div class=\"card\"><h2>Decisions</h2>"
        if let error = d.decisionsError {
            out += "<p class=\"verdict rollback\">The audit log cannot be read right now: \(HTML.escape(error))</p>"
        }
        guard !d.decisions.isEmpty else {
            return out + (d.decisionsError == nil ? "<p class=\"muted\">No decisions recorded.</p>" : "") + "</div>"
        }
        out += "<table><thead><tr><th>Time (UTC)</th><th>Action</th><th class=\"num\">Step</th>"
            + "<th class=\"num\">Candidate</th><th>By</th><th>Reason</th></tr></thead><tbody>"
        for logged in d.decisions {
            let dec = logged.decision
            let by = HTML.escape(dec.actor.rawValue) + (logged.by.map { " <span class=\"muted\">(\(HTML.escape($0)))</span>" } ?? "")
            let steps = dec.fromStep == dec.toStep ? "\(dec.toStep)" : "\(dec.fromStep) → \(dec.toStep)"
            out += "<tr><td class=\"time\">\(utc(dec.at).dropLast(4))</td>"
                + "<td><span class=\"action \(dec.action.rawValue)\">\(dec.action.rawValue)</span></td>"
                + "<td class=\"num\">\(steps)</td><td class=\"num\">\(dec.candidateWeight)%</td><td>\(by)</td>"
                + "<td>\(HTML.escape(dec.reason))\(evidenceDetails(dec.evidence))</td></tr>"
        }
        out += "</tbody></table>"
        return out + "<p class=\"note\">The \(d.decisions.count) newest; every decision: <code>glidepath history "
            + "\(HTML.escape(d.name))</code>.</p></div>"
    }

    /// A decision's numbers, folded: `guard test = value` per line.
    static func evidenceDetails(_ evidence: [GuardEvidence]) -> String {
        guard !evidence.isEmpty else { return "" }
        return "<details><summary>\(evidence.count) numbers</summary><div class=\"small\">"
            + evidence.map { "\(HTML.escape($0.guardName.rawValue)) \(HTML.escape($0.test.rawValue)) = \(rawNumber($0.value))" }
                .joined(separator: "<br>")
            + "</div></details>"
    }
}
