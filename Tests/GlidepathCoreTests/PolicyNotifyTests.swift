import Testing
@testable import GlidepathCore

/// `notify` in a policy: every mistake named by its JSON path, defaults, rendering, and the webhook URL rules.
@Suite struct PolicyNotifyTests {
    static func notify(_ json: String) -> [(String, String?)] { [("notify", json)] }
    static let nine = "[" + Array(repeating: #"{"url": "https://x"}"#, count: 9).joined(separator: ", ") + "]"
    static let long = "https://x/" + String(repeating: "a", count: 2039)

    static let problems: [PolicyCase] = [
        PolicyCase([("notfy", "[]")], "notfy", #"unknown key "notfy"; did you mean "notify"?"#),
        PolicyCase(notify("{}"), "notify", "expected an array, found object"),
        PolicyCase(notify(nine), "notify", "must have at most 8 entries, found 9"),
        PolicyCase(notify("[5]"), "notify[0]", "expected an object, found number"),
        PolicyCase(notify("[{}]"), "notify[0].url", #"missing required key "url""#),
        PolicyCase(notify(#"[{"url": 5}]"#), "notify[0].url", "expected a string, found number"),
        PolicyCase(notify(#"[{"url": "ftp://x/y"}]"#), "notify[0].url", #"must start with http:// or https://, found "ftp://x/y""#),
        PolicyCase(notify(#"[{"url": "hooks.example.com"}]"#), "notify[0].url",
                   #"must start with http:// or https://, found "hooks.example.com""#),
        PolicyCase(notify(#"[{"url": "https://bob:pw@x/hook"}]"#), "notify[0].url",
                   "must not hold user info (user:password@ before the host)"),
        PolicyCase(notify(#"[{"url": "https://"}]"#), "notify[0].url", #"has no host, found "https://""#),
        PolicyCase(notify(#"[{"url": "https://:80/x"}]"#), "notify[0].url", #"has no host, found "https://:80/x""#),
        PolicyCase(notify(#"[{"url": "https://x:0/"}]"#), "notify[0].url",
                   #"has a bad port ":0" (1 to 65535), found "https://x:0/""#),
        PolicyCase(notify(#"[{"url": "https://x:99999"}]"#), "notify[0].url",
                   #"has a bad port ":99999" (1 to 65535), found "https://x:99999""#),
        PolicyCase(notify(#"[{"url": "https://x:8a"}]"#), "notify[0].url",
                   #"has a bad port ":8a" (1 to 65535), found "https://x:8a""#),
        PolicyCase(notify(#"[{"url": "https://x/a b"}]"#), "notify[0].url",
                   #"must be printable ASCII without spaces (percent-encode the rest), found "https://x/a b""#),
        PolicyCase(notify(#"[{"url": "https://x/é"}]"#), "notify[0].url",
                   #"must be printable ASCII without spaces (percent-encode the rest), found "https://x/é""#),
        PolicyCase(notify("[{\"url\": \"\(long)\"}]"), "notify[0].url", "must be at most 2048 characters, found 2049"),
        PolicyCase(notify(#"[{"url": "https://x", "format": "teams"}]"#), "notify[0].format",
                   #"must be one of "json", "slack", found "teams""#),
        PolicyCase(notify(#"[{"url": "https://x", "onn": ["rollback"]}]"#), "notify[0].onn",
                   #"unknown key "onn"; did you mean "on"?"#),
        PolicyCase(notify(#"[{"url": "https://x", "on": "rollback"}]"#), "notify[0].on",
                   "expected an array of events, found string"),
        PolicyCase(notify(#"[{"url": "https://x", "on": []}]"#), "notify[0].on",
                   #"must list at least one event (leave "on" out for the defaults)"#),
        PolicyCase(notify(#"[{"url": "https://x", "on": ["rollbak"]}]"#), "notify[0].on[0]",
                   #"unknown event "rollbak"; did you mean "rollback"?"#),
        PolicyCase(notify(#"[{"url": "https://x", "on": ["promote", "deploy"]}]"#), "notify[0].on[1]",
                   #"unknown event "deploy"; expected one of "rollback", "promote", "advance", "wait", "stuck", "broken""#),
        PolicyCase(notify(#"[{"url": "https://x", "on": ["stuck", 3]}]"#), "notify[0].on[1]", "expected a string, found number"),
        PolicyCase(notify(#"[{"url": "https://x", "on": ["stuck", "stuck"]}]"#), "notify[0].on[1]", #"lists "stuck" twice"#),
        PolicyCase(notify(#"[{"url": "https://x"}, {"url": "https://y", "format": "xml"}]"#), "notify[1].format",
                   #"must be one of "json", "slack", found "xml""#),
    ]

    @Test("each notify mistake yields exactly its one problem, path and message", arguments: problems)
    func singleProblem(_ row: PolicyCase) {
        let problems = PolicyFixtures.problems(row.source)
        #expect(problems.map(\.path) == [row.path])
        #expect(problems.map(\.message) == [row.message])
    }

    struct Valid: Sendable, CustomTestStringConvertible {
        var json: String
        var urls: [String]
        var hosts: [String]
        var formats: [NotifyFormat]
        var on: [[NotifyEvent]]
        var testDescription: String { json }
    }

    static let valid: [Valid] = [
        Valid(json: "[]", urls: [], hosts: [], formats: [], on: []),
        Valid(json: "null", urls: [], hosts: [], formats: [], on: []),
        Valid(json: #"[{"url": "https://hooks.slack.com/services/T0/B0/XYZ", "format": "slack"}]"#,
              urls: ["https://hooks.slack.com/services/T0/B0/XYZ"], hosts: ["hooks.slack.com"], formats: [.slack],
              on: [[.rollback, .promote, .stuck, .broken]]),
        Valid(json: #"[{"url": "http://127.0.0.1:9000/hook", "on": ["broken", "advance", "wait"]}]"#,
              urls: ["http://127.0.0.1:9000/hook"], hosts: ["127.0.0.1:9000"], formats: [.json],
              on: [[.advance, .wait, .broken]]),
        Valid(json: #"[{"url": "HTTPS://Example.COM"}, {"url": "http://[::1]:8080/x?y=1", "format": null, "on": null}]"#,
              urls: ["HTTPS://Example.COM", "http://[::1]:8080/x?y=1"], hosts: ["example.com", "[::1]:8080"],
              formats: [.json, .json], on: [NotifyEvent.defaults, NotifyEvent.defaults]),
    ]

    @Test("valid notify lists and their defaults", arguments: valid)
    func parses(_ row: Valid) throws {
        let policy = try PolicyParser.parse(PolicyFixtures.policy([("notify", row.json)])).get()
        #expect(policy.notify.map(\.url.text) == row.urls)
        #expect(policy.notify.map(\.url.host) == row.hosts)
        #expect(policy.notify.map(\.format) == row.formats)
        #expect(policy.notify.map(\.on) == row.on)
        // Rendered back, it parses to the same policy.
        let again = try PolicyParser.parse(PolicyParser.render(policy).rendered()).get()
        #expect(again == policy)
    }

    @Test func renderingWritesEveryFieldAndLeavesAnEmptyListOut() throws {
        let policy = try PolicyParser.parse(PolicyFixtures.policy([("notify", #"[{"url": "https://x/h", "on": ["wait"]}]"#)])).get()
        let rendered = PolicyParser.render(policy).rendered()
        #expect(rendered.contains(#""notify":[{"url":"https://x/h","format":"json","on":["wait"]}]"#))
        let none = try PolicyParser.parse(PolicyFixtures.policy()).get()
        #expect(!PolicyParser.render(none).rendered().contains("notify"))
    }

    @Test func redactedURLsShowSchemeAndHostOnly() throws {
        #expect(try WebhookURL.parse("https://hooks.slack.com/services/T0/B0/SECRET").get().redacted
                == "https://hooks.slack.com/…")
        #expect(try WebhookURL.parse("http://127.0.0.1:9000").get().redacted == "http://127.0.0.1:9000")
        #expect(try WebhookURL.parse("http://127.0.0.1:9000/").get().redacted == "http://127.0.0.1:9000")
    }

    @Test("a quarantined policy's notify list is read on its own when valid")
    func notifyTargetsOfABrokenPolicy() {
        let broken = #"{"migration": "m", "steps": "not steps", "notify": [{"url": "https://x/h", "on": ["broken"]}]}"#
        #expect(PolicyParser.notifyTargets(inSource: broken).map(\.url.text) == ["https://x/h"])
        #expect(PolicyParser.notifyTargets(inSource: #"{"notify": [{"url": "ftp://x"}]}"#).isEmpty)
        #expect(PolicyParser.notifyTargets(inSource: "not json").isEmpty)
        #expect(PolicyParser.notifyTargets(inSource: #"{"migration": "m"}"#).isEmpty)
    }
}
