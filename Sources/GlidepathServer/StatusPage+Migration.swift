import GlidepathCore

extension StatusPage {
    /// `GET /migrations/{name}`: weights, steps with the bake and what the judge waits for, charts of the
    /// last minutes, the evidence against its thresholds, this step's counts, shims, and the decision log.
    package static func migration(_ d: MigrationPageData) -> String {
        let path = "/migrations/" + HTML.pathSegment(d.name)
        guard let e = d.entry else {
            guard let b = d.broken else { return notFound(d.name, now: d.now, refresh: d.refresh) }
            return document(title: "glidepath: \(b.name)", path: path, refresh: d.refresh, now: d.now,
                            body: brokenBody(b, d))
        }
        var body = heading(e, d)
        body += "<div class=\"card\"><h2>Traffic</h2>"
            + weightBar(baseline: e.policy.baseline, candidate: e.policy.candidate,
                        weight: e.status.candidateWeight(e.policy), compact: false)
            + shadowNote(e.status.mirror(e.policy), candidate: e.policy.candidate) + "</div>"
        body += stepsCard(e, now: d.now)
        body += chartsCard(e, d)
        body += evidenceCard(e)
        body += "<div class=\"row\">" + stepCountsCard(e, now: d.now) + shimsCard(e, shims: d.shims) + "</div>"
        body += decisionsCard(d)
        return document(title: "glidepath: \(e.name)", path: path, refresh: d.refresh, now: d.now, body: body)
    }

    static func heading(_ e: MigrationEntry, _ d: MigrationPageData) -> String {
        let s = e.status, p = e.policy
        var out = "<p class=\"small\"><a href=\"\(d.refresh ? "/" : "/?refresh=off")\">← all migrations</a></p>"
            + "<h1>\(HTML.escape(e.name)) \(badge(s.phase.rawValue))</h1>"
            + "<p class=\"sub\">\(HTML.escape(p.baseline)) → \(HTML.escape(p.candidate)) · revision \(s.revision) · "
            + "policy v\(s.policyVersion) · \(p.judge.rawValue) judge every \(p.interval) · "
            + "last change \(utc(s.updatedAt))</p>"
        if !e.durable {
            out += "<p class=\"verdict rollback\">This state is served but not yet written to the store (the store is "
                + "failing); it is written as soon as the store recovers.</p>"
        }
        return out
    }

    /// The steps as a row of boxes (done, current with its bake progress, to come) and the judge's verdict.
    static func stepsCard(_ e: MigrationEntry, now: TimeReading) -> String {
        let s = e.status, p = e.policy
        let elapsed = max(0, now.steady.subtractingSaturating(s.stepStartedAt))
        var out = "<div class=\"card\"><h2>Steps</h2><div class=\"steps\">"
        for (i, step) in p.steps.enumerated() {
            let cls: String
            switch s.phase {
            case .promoted: cls = "done"
            case .rolledBack: cls = i < s.step ? "done" : (i == s.step ? "failed" : "")
            default: cls = i < s.step ? "done" : (i == s.step ? "current" : "")
            }
            var detail = [step.bake.milliseconds > 0 ? "bake \(ReasonFormat.duration(milliseconds: step.bake.milliseconds))" : "no bake"]
            switch step.gate {
            case .manual: detail.append("manual gate")
            case .webhook(let url): detail.append("webhook gate \(HTML.escape(url.redacted))")
            case nil: break
            }
            if step.mirror > .zero { detail.insert("shadow \(step.mirror)%", at: 0) }
            out += "<div class=\"step \(cls)\"><div class=\"w\">\(step.weight)%</div>"
                + "<div class=\"d\">step \(i) · \(detail.joined(separator: " · "))</div>"
            if i == s.step && !s.phase.isTerminal {
                out += bakeProgress(step.bake, elapsed: elapsed)
            } else if i == s.step && s.phase == .rolledBack {
                out += "<div class=\"d\">rolled back here</div>"
            }
            out += "</div>"
        }
        out += "</div>" + verdictBox(e, now: now) + "</div>"
        return out
    }

    /// `shadow 100%: a copy of …` under the traffic bar while the step mirrors; "" otherwise.
    static func shadowNote(_ mirror: Weight, candidate: String) -> String {
        guard mirror > .zero else { return "" }
        return "<p class=\"muted small\">shadow \(mirror)%: requests the baseline serves in buckets below \(mirror)% are "
            + "also sent to \(HTML.escape(candidate)) in the background (answers discarded, outcomes judged)</p>"
    }

    /// `in step 2m 10s · bake 1m 30s of 5m` with a bar of the bake done.
    static func bakeProgress(_ bake: TimeSpan, elapsed: Int64) -> String {
        let inStep = "in step \(ReasonFormat.duration(milliseconds: elapsed))"
        guard bake.milliseconds > 0 else { return "<div class=\"d\">\(inStep)</div>" }
        let left = max(0, bake.milliseconds - elapsed)
        let text = left > 0 ? "bake \(ReasonFormat.duration(milliseconds: left)) left of \(ReasonFormat.duration(milliseconds: bake.milliseconds))"
            : "bake done"
        return "<div class=\"progress\"><i style=\"width:\(percentWidth(Double(elapsed) / Double(bake.milliseconds)))\"></i></div>"
            + "<div class=\"d\">\(inStep) · \(text)</div>"
    }

    /// A fraction as a CSS width clamped to 0...100 %: `37.5%`.
    package static func percentWidth(_ fraction: Double) -> String {
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : (fraction > 0 ? 1 : 0)
        return ReasonFormat.plain((f * 1000).rounded() / 10) + "%"
    }

    /// What the judge says now and, for a paused, waiting or finished migration, what that means.
    static func verdictBox(_ e: MigrationEntry, now: TimeReading) -> String {
        let s = e.status
        var lead = ""
        switch s.phase {
        case .promoted:
            return "<div class=\"verdict advance\"><span class=\"what\">Promoted</span>: the candidate takes all traffic; "
                + "nothing left to judge. \(HTML.escape(s.reason))</div>"
        case .rolledBack:
            return "<div class=\"verdict rollback\"><span class=\"what\">Rolled back</span>: the baseline takes all traffic. "
                + "\(HTML.escape(s.reason))</div>"
        case .paused: lead = "<b>Paused</b> by an operator: the judge keeps measuring but takes no action until "
            + "<code>glidepath resume \(HTML.escape(e.name))</code>.<br>"
        case .waiting:
            if let url = e.policy.gate(after: s.step)?.webhook {
                lead = "<b>Waiting</b> at a webhook gate: asking \(HTML.escape(url.redacted)) every "
                    + "\(ReasonFormat.duration(milliseconds: e.policy.interval.milliseconds)); an operator opens it with "
                    + "<code>glidepath resume \(HTML.escape(e.name))</code>.<br>"
            } else {
                lead = "<b>Waiting</b> at a manual gate for an operator: <code>glidepath resume \(HTML.escape(e.name))</code>.<br>"
            }
        case .ramping: break
        }
        guard let v = e.judge.lastVerdict else {
            return "<div class=\"verdict\">\(lead)<span class=\"what\">Judge</span>: not judged yet (first tick pending).</div>"
        }
        let ago = e.judge.lastTickAt.map {
            " <span class=\"muted small\">judged \(ReasonFormat.duration(milliseconds: max(0, now.steady.subtractingSaturating($0)))) ago</span>"
        } ?? ""
        return "<div class=\"verdict \(v.action.rawValue)\">\(lead)<span class=\"what\">Judge: \(v.action.rawValue) · "
            + "\(HTML.escape(v.rule.rawValue))</span> — \(HTML.escape(v.reason))\(ago)</div>"
    }

    /// Per arm, the counts of the current step (what the judge weighs).
    static func stepCountsCard(_ e: MigrationEntry, now: TimeReading) -> String {
        let p = e.policy
        var out = "<div class=\"card\"><h2>This step</h2><table><thead><tr><th>Arm</th><th class=\"num\">Requests</th>"
            + "<th class=\"num\">Errors</th><th class=\"num\">Error rate</th><th class=\"num\">p99 latency</th>"
            + "<th class=\"num\">p99 TTFT</th></tr></thead><tbody>"
        for arm in Arm.allCases {
            let c = e.judge.step[arm]
            let latency = LatencyBuckets.quantile(0.99, counts: c.latency).map { ReasonFormat.latency(seconds: $0) } ?? "—"
            let ttft = LatencyBuckets.quantile(0.99, counts: c.ttft).map { ReasonFormat.latency(seconds: $0) } ?? "—"
            out += "<tr><td><span class=\"key\"><i class=\"sw \(ServerMetrics.role(arm))\"></i>\(HTML.escape(p.name(of: arm)))</span></td>"
                + "<td class=\"num\">\(ReasonFormat.count(c.requests))</td><td class=\"num\">\(ReasonFormat.count(c.errors))</td>"
                + "<td class=\"num\">\(c.judgedRequests == 0 ? "—" : ReasonFormat.percent(c.errorRate))</td>"
                + "<td class=\"num\">\(latency)</td><td class=\"num\">\(ttft)</td></tr>"
        }
        let since = "since the step began, \(ReasonFormat.duration(milliseconds: max(0, now.steady.subtractingSaturating(e.status.stepStartedAt)))) ago"
        return out + "</tbody></table><p class=\"note\">Counts \(since); client errors count against neither arm.</p></div>"
    }

    /// How many shims poll this migration, and how many have the current revision.
    static func shimsCard(_ e: MigrationEntry, shims: [Int64: Int]) -> String {
        let total = shims.values.reduce(0, +)
        let current = shims[e.status.revision] ?? 0
        var out = "<div class=\"card\"><h2>Shims</h2>"
        if total == 0 {
            out += "<p class=\"muted\">No shim has polled with a <code>Glidepath-Shim</code> id lately.</p>"
        } else {
            out += "<p><b>\(current) of \(total)</b> shim\(total == 1 ? "" : "s") on revision \(e.status.revision) (current)</p>"
            let others = shims.filter { $0.key != e.status.revision }.sorted { $0.key > $1.key }
            if !others.isEmpty {
                out += "<p class=\"small\">" + others.map { "\($0.value) on revision \($0.key)" }.joined(separator: " · ") + "</p>"
            }
        }
        let p = e.policy
        out += "<p class=\"note\">Counted from weights polls that send <code>Glidepath-Shim</code>; a shim silent for "
            + "3 × pollAfter (\(ReasonFormat.duration(milliseconds: 3 * p.pollAfter.milliseconds))) leaves the count.</p>"
        out += "<h2 style=\"margin-top:14px\">Policy</h2><p class=\"small\">" + policySummary(p) + "</p>"
        return out + "</div>"
    }

    /// The policy's settings a reader needs to understand the page (nothing secret: no URL is shown).
    static func policySummary(_ p: Policy) -> String {
        var parts = ["\(p.steps.count) steps", "minRequests \(ReasonFormat.count(p.minRequests))", "interval \(p.interval)",
                     "pollAfter \(p.pollAfter)"]
        if p.judge == .sequential {
            parts.append("α \(ReasonFormat.plain(p.sequential.alpha)), β \(ReasonFormat.plain(p.sequential.beta)), "
                + "bad ratio \(ReasonFormat.plain(p.sequential.badRatio))")
        } else {
            parts.append("error ratio ≤ \(ReasonFormat.plain(p.guards.maxErrorRatio)), latency ratio ≤ "
                + "\(ReasonFormat.plain(p.guards.maxLatencyRatio)), \(p.guards.failureThreshold) failed checks roll back")
        }
        if let hold = p.maxHold { parts.append("maxHold \(hold) (then \(p.onStuck.rawValue))") }
        if let idle = p.noDataAfter { parts.append("noDataAfter \(idle)") }
        return HTML.escape(parts.joined(separator: " · "))
    }

    /// A quarantined migration: why, what was last served, how to repair it, and its decision log.
    static func brokenBody(_ b: BrokenMigration, _ d: MigrationPageData) -> String {
        var out = "<p class=\"small\"><a href=\"\(d.refresh ? "/" : "/?refresh=off")\">← all migrations</a></p>"
            + "<h1>\(HTML.escape(b.name)) \(badge("broken"))</h1>"
            + "<p class=\"sub\">revision \(b.revision) · policy v\(b.policyVersion)"
            + (b.lastPhase.map { " · last known state \(stateName($0.rawValue))" } ?? "") + "</p>"
            + "<div class=\"verdict rollback\"><span class=\"what\">Quarantined</span>: \(HTML.escape(b.reason)). "
            + "Apply a valid policy for this migration (<code>glidepath apply FILE</code>) to repair it.</div>"
        if let last = b.lastDecision {
            out += "<div class=\"card\"><h2>Last served weights\(b.served == nil ? " (no longer served)" : "")</h2>"
                + weightBar(baseline: last.baseline, candidate: last.candidate, weight: last.candidateWeight, compact: false)
                + "</div>"
        }
        return out + decisionsCard(d)
    }
}
