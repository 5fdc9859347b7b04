/// What a notification is about (`notify[].on`). Raw values are the policy's and the body's names.
package enum NotifyEvent: String, Hashable, Sendable, CaseIterable, Codable {
    /// A decision `rollback` (judge, operator, or `onStuck: rollback`).
    case rollback
    /// A decision `promote`.
    case promote
    /// A decision `advance` (to the next step).
    case advance
    /// A decision `wait`: the judge reached a gate (manual or webhook) and waits at it.
    case wait
    /// A step held longer than `maxHold` with `onStuck: hold` (once per revision and step).
    case stuck
    /// A stored migration this build cannot decode was quarantined (once per revision).
    case broken

    /// The events a target gets when its policy entry has no `on`.
    package static let defaults: [NotifyEvent] = [.rollback, .promote, .stuck, .broken]

    /// The event a decision raises, if any (`created`, `policy`, `pause`, `resume`, `restart`, `set_weight`, `back` raise none).
    package init?(_ action: Decision.Action) {
        switch action {
        case .rollback: self = .rollback
        case .promote: self = .promote
        case .advance: self = .advance
        case .wait: self = .wait
        case .created, .policy, .pause, .resume, .restart, .setWeight, .back: return nil
        }
    }
}

/// How a notification's body is shaped (`notify[].format`).
package enum NotifyFormat: String, Hashable, Sendable, CaseIterable, Codable {
    /// The glidepath document: migration, event, action, steps, weights, actor, reason, time, revision.
    case json
    /// `{"text": "<one line>"}`: Slack's incoming-webhook shape (Microsoft Teams and Mattermost take it too).
    case slack
}

/// One entry of a policy's `notify` list: where to POST, in which shape, for which events.
package struct NotifyTarget: Hashable, Sendable {
    package var url: WebhookURL
    package var format: NotifyFormat
    /// The events sent, in `NotifyEvent.allCases` order, without repeats; never empty.
    package var on: [NotifyEvent]

    package init(url: WebhookURL, format: NotifyFormat = .json, on: [NotifyEvent] = NotifyEvent.defaults) {
        self.url = url
        self.format = format
        self.on = NotifyEvent.allCases.filter(on.contains)
    }
}
