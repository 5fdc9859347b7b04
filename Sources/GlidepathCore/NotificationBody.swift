/// What a notification says, rendered as the glidepath JSON document or as a Slack-style `{"text"}` line.
package struct NotificationBody: Sendable {
    /// Reasons longer than this are cut (with `…`): a body stays small whatever an operator typed.
    package static let maxReasonCharacters = 2000
    /// The Slack line's reason is cut shorter: it is read in a chat.
    package static let maxSlackReasonCharacters = 500

    package var migration: String
    package var event: NotifyEvent
    /// The decision's action (`rollback`, `advance`, ...); `hold` for `stuck`, `quarantine` for `broken`.
    package var action: String
    package var fromStep: Int?
    package var toStep: Int?
    /// Arm name and weight, baseline first; empty when unknown.
    package var weights: [(String, Weight)]
    /// `judge`, `operator`, or `controller` (for `broken`).
    package var actor: String
    /// Who acted, when known (an operator's name).
    package var by: String?
    package var reason: String
    /// ISO-8601 UTC time of the decision or alarm.
    package var at: String
    package var revision: Int64
    /// The migration's status page, when the controller knows its public URL.
    package var statusURL: String?

    /// The bytes to POST.
    package func rendered(_ format: NotifyFormat) -> String {
        switch format {
        case .json: json.rendered()
        case .slack: JSONValue.object([("text", .string(slackLine))]).rendered()
        }
    }

    /// `{"migration","event","action","fromStep","toStep","weights","actor","by"?,"reason","at","revision","statusUrl"?}`.
    var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("migration", .string(migration)), ("event", .string(event.rawValue)), ("action", .string(action)),
            ("fromStep", fromStep.map(JSONValue.integer) ?? JSONValue(.null)),
            ("toStep", toStep.map(JSONValue.integer) ?? JSONValue(.null)),
            ("weights", .object(weights.map { ($0.0, JSONValue(.number($0.1.description))) })),
            ("actor", .string(actor)),
        ]
        if let by { pairs.append(("by", .string(by))) }
        pairs += [("reason", .string(Self.cut(reason, Self.maxReasonCharacters))), ("at", .string(at)),
                  ("revision", JSONValue(.number(String(revision))))]
        if let statusURL { pairs.append(("statusUrl", .string(statusURL))) }
        return .object(pairs)
    }

    /// One readable line: `glidepath: chat-completions rolled back at step 1 by the judge (openai 100%,
    /// holysheep 0%): <reason> <status URL>`.
    package var slackLine: String {
        let who = actor == "judge" ? "the judge" : actor == "operator" ? (by.map { "operator \($0)" } ?? "an operator") : actor
        let step = toStep.map { "step \($0)" }
        let what: String
        switch event {
        case .rollback: what = "rolled back" + (fromStep.map { " at step \($0)" } ?? "") + " by \(who)"
        case .promote: what = "promoted to 100% by \(who)"
        case .advance: what = "advanced to \(step ?? "the next step") by \(who)"
        case .wait: what = "waiting at a gate" + (fromStep.map { " after step \($0)" } ?? "")
        case .stuck: what = "stuck at \(step ?? "its step")"
        case .broken: what = "quarantined"
        }
        let split = weights.isEmpty ? "" : " (" + weights.map { "\($0.0) \($0.1)%" }.joined(separator: ", ") + ")"
        let line = "glidepath: \(migration) \(what)\(split): \(Self.cut(reason, Self.maxSlackReasonCharacters))"
            + (statusURL.map { " \($0)" } ?? "")
        return Self.oneLine(line)
    }

    /// `text` cut to `limit` characters with `…`.
    static func cut(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// Line breaks and tabs as spaces: a chat message on one line.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            ($0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}") ? " " : $0
        }))
    }
}
