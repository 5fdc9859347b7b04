/// What a webhook gate last answered: the shell asks it (asynchronously) and hands the answer to the pure
/// tick. No answer yet, a refused connection and a timeout are all "closed": a gate fails toward the baseline.
package struct GateAnswer: Hashable, Sendable {
    /// The HTTP status, nil when there was no answer.
    package var status: Int?
    /// Why there was no answer, or the start of the answer's body (one short line).
    package var detail: String

    package init(status: Int?, detail: String = "") {
        self.status = status
        self.detail = detail
    }

    /// A 2xx answer opens the gate.
    package var isOpen: Bool { status.map { (200...299).contains($0) } ?? false }

    /// `503 (not yet)`, `200`, `no answer (connection refused)`.
    package var summary: String {
        guard let status else { return "no answer (\(detail.isEmpty ? "no reason given" : detail))" }
        return detail.isEmpty ? "\(status)" : "\(status) (\(detail))"
    }
}

/// The webhook gate's part of a tick, and the question POSTed to it.
package enum WebhookGate {
    /// The verdict of a tick `waiting` at a webhook gate: the judge's advance goes through only when `answer`
    /// is a 2xx (its reason then says so); otherwise it becomes a hold under rule `gate` that says what the
    /// migration waits for. Holds and rollbacks are the judge's, unchanged.
    package static func apply(_ verdict: Verdict, url: WebhookURL, answer: GateAnswer?, nextStep: Int,
                              policy: Policy) -> Verdict {
        guard verdict.action == .advance else { return verdict }
        let gate = "webhook gate \(url.host)"
        if let answer, answer.isOpen {
            var open = verdict
            open.reason = "\(gate) answered \(answer.summary); \(verdict.reason)"
            return open
        }
        let last = answer.map { "last answer \($0.summary)" } ?? "asked, no answer yet"
        return Verdict(action: .hold, rule: .gate,
                       reason: "waiting for \(gate) before \(ReasonFormat.step(nextStep, policy)): \(last); "
                           + "the judge would advance: \(verdict.reason)",
                       evidence: verdict.evidence)
    }

    /// The JSON POSTed to the gate: `{"migration","revision","phase","step","weight","nextStep","nextWeight",
    /// "baseline","candidate","reason","at","statusUrl"?}`: `step` and `weight` are where the migration is,
    /// `nextStep` and `nextWeight` what a 2xx lets it enter.
    package static func question(status: MigrationStatus, policy: Policy, time: String, statusURL: String?) -> String {
        let next = status.step + 1
        let nextWeight = policy.steps.indices.contains(next) ? policy.steps[next].weight : Weight.full
        var pairs: [(String, JSONValue)] = [
            ("migration", .string(status.migration)), ("revision", JSONValue(.number(String(status.revision)))),
            ("phase", .string(status.phase.rawValue)), ("step", .integer(status.step)),
            ("weight", JSONValue(.number(status.candidateWeight(policy).description))),
            ("nextStep", .integer(next)), ("nextWeight", JSONValue(.number(nextWeight.description))),
            ("baseline", .string(policy.baseline)), ("candidate", .string(policy.candidate)),
            ("reason", .string(NotificationBody.cut(status.reason, NotificationBody.maxReasonCharacters))),
            ("at", .string(time)),
        ]
        if let statusURL { pairs.append(("statusUrl", .string(statusURL))) }
        return JSONValue.object(pairs).rendered()
    }
}
