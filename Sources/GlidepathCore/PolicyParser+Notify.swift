/// `notify`: where decisions and alarms are POSTed (`[{"url", "format", "on"}]`), and the webhook URLs that
/// `notify` and webhook gates share.
extension PolicyParser {
    package static let notifyKeys = ["url", "format", "on"]
    /// At most this many `notify` entries: each decision is one POST per entry.
    package static let maxNotifyTargets = 8

    /// `notify`: 0...8 entries, `url` required, `format` `json` (default) or `slack`, `on` a non-empty list of
    /// distinct events (default rollback, promote, stuck, broken).
    static func readNotify(_ value: JSONValue, _ c: inout Context) -> [NotifyTarget]? {
        guard let elements = value.elements else {
            c.report("notify", "expected an array, found \(value.typeName)", at: value.position)
            return nil
        }
        var ok = true
        if elements.count > maxNotifyTargets {
            c.report("notify", "must have at most \(maxNotifyTargets) entries, found \(elements.count)", at: value.position)
            ok = false
        }
        var targets: [NotifyTarget] = []
        for (index, element) in elements.enumerated() {
            let path = PolicyParser.path("notify", index: index)
            guard let object = c.object(element, path: path, keys: notifyKeys) else {
                ok = false
                continue
            }
            let url = c.required(object, "url").flatMap { readWebhookURL($0, path: object.path("url"), &c) }
            let format = c.optional(object, "format").map { value in
                c.choice(value, path: object.path("format"), among: NotifyFormat.allCases.map(\.rawValue))
                    .flatMap(NotifyFormat.init(rawValue:))
            } ?? .json
            let on = c.optional(object, "on").map { readEvents($0, path: object.path("on"), &c) } ?? NotifyEvent.defaults
            guard let url, let format, let on else {
                ok = false
                continue
            }
            targets.append(NotifyTarget(url: url, format: format, on: on))
        }
        return ok ? targets : nil
    }

    /// `notify[i].on`: a non-empty array of distinct event names.
    static func readEvents(_ value: JSONValue, path: String, _ c: inout Context) -> [NotifyEvent]? {
        guard let elements = value.elements else {
            c.report(path, "expected an array of events, found \(value.typeName)", at: value.position)
            return nil
        }
        guard !elements.isEmpty else {
            c.report(path, "must list at least one event (leave \"on\" out for the defaults)", at: value.position)
            return nil
        }
        let names = NotifyEvent.allCases.map(\.rawValue)
        var events: [NotifyEvent] = []
        var ok = true
        for (index, element) in elements.enumerated() {
            let elementPath = PolicyParser.path(path, index: index)
            guard let name = c.string(element, path: elementPath) else { ok = false; continue }
            guard let event = NotifyEvent(rawValue: name) else {
                let hint = DidYouMean.suggestion(for: name, among: names).map { "did you mean \(jsonQuoted($0))?" }
                    ?? "expected one of \(names.map(jsonQuoted).joined(separator: ", "))"
                c.report(elementPath, "unknown event \(jsonQuoted(name)); \(hint)", at: element.position)
                ok = false
                continue
            }
            if events.contains(event) {
                c.report(elementPath, "lists \(jsonQuoted(name)) twice", at: element.position)
                ok = false
                continue
            }
            events.append(event)
        }
        return ok ? events : nil
    }

    /// A string that is a `WebhookURL`.
    static func readWebhookURL(_ value: JSONValue, path: String, _ c: inout Context) -> WebhookURL? {
        guard let text = c.string(value, path: path) else { return nil }
        switch WebhookURL.parse(text) {
        case .success(let url): return url
        case .failure(let e):
            c.report(path, e.message, at: value.position)
            return nil
        }
    }

    /// The `notify` targets of a policy source that may not parse as a whole (a quarantined migration's
    /// stored policy): read when `notify` itself is valid, else none.
    package static func notifyTargets(inSource source: String) -> [NotifyTarget] {
        guard let root = try? JSONParser.parse(source), let members = root.members,
              let value = members.first(where: { $0.key == "notify" })?.value, !value.isNull else { return [] }
        var c = Context()
        guard let targets = readNotify(value, &c), c.problems.isEmpty else { return [] }
        return targets
    }

    static func render(_ target: NotifyTarget) -> JSONValue {
        .object([("url", .string(target.url.text)), ("format", .string(target.format.rawValue)),
                 ("on", .array(target.on.map { .string($0.rawValue) }))])
    }
}
