import Testing
@testable import GlidepathCore

/// Which decisions and alarms become notifications, their exact bodies and dedupe keys, and the in-memory
/// outbox's rules (dedupe, order, retry, cap, forgetting).
@Suite struct NotificationPlanTests {
    static let t0: Int64 = 1_764_000_000_000
    static let context = NotificationPlan.Context(wall: t0, time: "2025-11-24T16:00:00.000Z",
                                                  publicURL: "https://glidepath.example.com/")

    static func target(_ url: String, _ format: NotifyFormat = .json, on: [NotifyEvent] = NotifyEvent.defaults) -> NotifyTarget {
        NotifyTarget(url: try! WebhookURL.parse(url).get(), format: format, on: on)
    }

    static func decision(_ action: Decision.Action, actor: DecisionActor = .judge, from: Int = 1, to: Int = 1,
                         weight: Int = 0, reason: String = "errors 5x the baseline's") -> Decision {
        Decision(at: t0, revision: 7, action: action, fromStep: from, toStep: to, baseline: "openai",
                 candidate: "holysheep", candidateWeight: Weight(basisPoints: weight), actor: actor, reason: reason)
    }

    @Test func aRollbackBecomesTheDocumentedJSONBody() {
        let list = NotificationPlan.forDecision(Self.decision(.rollback), migration: "chat",
                                                targets: [Self.target("https://a.example/h")], context: Self.context)
        #expect(list == [OutboxNotification(
            migration: "chat", event: .rollback, dedupeKey: "chat/7/rollback/\(Self.t0)/0", url: "https://a.example/h",
            format: .json,
            body: #"{"migration":"chat","event":"rollback","action":"rollback","fromStep":1,"toStep":1,"#
                + #""weights":{"openai":100,"holysheep":0},"actor":"judge","reason":"errors 5x the baseline's","#
                + #""at":"2025-11-24T16:00:00.000Z","revision":7,"statusUrl":"https://glidepath.example.com/migrations/chat"}"#,
            createdAt: Self.t0)])
    }

    @Test func theSlackShapeIsOneTextLine() {
        var d = Self.decision(.advance, actor: .operator, from: 0, to: 1, weight: 1250, reason: "looks good\nship it")
        d.by = "ana@ops"
        let list = NotificationPlan.forDecision(d, migration: "chat",
                                                targets: [Self.target("https://hooks.slack.com/x", .slack, on: [.advance])],
                                                context: NotificationPlan.Context(wall: Self.t0, time: "T"))
        #expect(list.map(\.body) == [#"{"text":"glidepath: chat advanced to step 1 by operator ana@ops "#
                                     + #"(openai 87.5%, holysheep 12.5%): looks good ship it"}"#])
    }

    struct EventRow: Sendable, CustomTestStringConvertible {
        var action: Decision.Action
        var event: NotifyEvent?
        var testDescription: String { "\(action) → \(event.map(\.rawValue) ?? "none")" }
    }

    @Test("decisions and the events they raise", arguments: [
        EventRow(action: .rollback, event: .rollback), EventRow(action: .promote, event: .promote),
        EventRow(action: .advance, event: .advance), EventRow(action: .wait, event: .wait),
        EventRow(action: .created, event: nil), EventRow(action: .policy, event: nil), EventRow(action: .pause, event: nil),
        EventRow(action: .resume, event: nil), EventRow(action: .restart, event: nil),
    ])
    func eventOfEachAction(_ row: EventRow) {
        let every = Self.target("https://a/h", on: NotifyEvent.allCases)
        let list = NotificationPlan.forDecision(Self.decision(row.action), migration: "m", targets: [every],
                                                context: Self.context)
        #expect(list.map(\.event) == (row.event.map { [$0] } ?? []))
    }

    @Test func onlyTargetsListeningToTheEventGetIt() {
        let targets = [Self.target("https://a/1"), Self.target("https://b/2", on: [.advance]),
                       Self.target("https://c/3", .slack, on: [.advance, .rollback])]
        let advance = NotificationPlan.forDecision(Self.decision(.advance), migration: "m", targets: targets,
                                                   context: Self.context)
        #expect(advance.map(\.url) == ["https://b/2", "https://c/3"])
        #expect(advance.map(\.dedupeKey) == ["m/7/advance/\(Self.t0)/1", "m/7/advance/\(Self.t0)/2"])
        let rollback = NotificationPlan.forDecision(Self.decision(.rollback), migration: "m", targets: targets,
                                                    context: Self.context)
        #expect(rollback.map(\.url) == ["https://a/1", "https://c/3"])
    }

    static func policy(notify: [NotifyTarget]) -> Policy {
        Policy(migration: "m", baseline: "openai", candidate: "holysheep",
               steps: [Step(weight: Weight(basisPoints: 500)), Step(weight: Weight(basisPoints: 5000))],
               maxHold: .minutes(30), notify: notify)
    }

    @Test("stuck: only the stuck rule, keyed by revision and step", arguments: Verdict.Rule.allCases)
    func stuckOnlyForTheStuckRule(_ rule: Verdict.Rule) {
        let status = MigrationStatus(migration: "m", policyVersion: 1, phase: .ramping, step: 1, revision: 4,
                                     stepStartedAt: 0, updatedAt: 0, reason: "")
        let verdict = Verdict(action: .hold, rule: rule, reason: "step 1 (50%) held for 31m")
        let list = NotificationPlan.stuck(verdict, status: status, policy: Self.policy(notify: [Self.target("https://a/h")]),
                                          context: Self.context)
        if rule == .stuck {
            #expect(list.map(\.dedupeKey) == ["m/4/stuck/1/0"])
            #expect(list.first?.body.contains(#""event":"stuck","action":"hold","fromStep":1,"toStep":1,"weights":{"openai":50,"holysheep":50}"#) == true)
        } else {
            #expect(list.isEmpty)
        }
    }

    @Test func brokenNamesTheLastKnownWeightsAndHowToRepair() {
        let last = Self.decision(.advance, from: 0, to: 1, weight: 500)
        let list = NotificationPlan.broken(migration: "m", revision: 9, reason: "stored judge state does not decode: x",
                                           lastDecision: last, targets: [Self.target("https://a/h", .slack)],
                                           context: NotificationPlan.Context(wall: Self.t0, time: "T"))
        #expect(list.map(\.dedupeKey) == ["m/9/broken/0"])
        #expect(list.map(\.body) == [#"{"text":"glidepath: m quarantined (openai 95%, holysheep 5%): stored judge state "#
                                     + #"does not decode: x; apply a valid policy to repair it"}"#])
    }

    @Test func longReasonsAreCut() {
        let reason = String(repeating: "r", count: 5000)
        let json = NotificationPlan.forDecision(Self.decision(.rollback, reason: reason), migration: "m",
                                                targets: [Self.target("https://a/h")], context: Self.context)
        #expect(json[0].body.contains("\"" + String(repeating: "r", count: 1999) + "…\""))
        let slack = NotificationPlan.forDecision(Self.decision(.rollback, reason: reason), migration: "m",
                                                 targets: [Self.target("https://a/h", .slack)], context: Self.context)
        #expect(slack[0].body.utf8.count < 700)
    }

    // MARK: The in-memory outbox

    static func note(_ key: String, migration: String = "m", at: Int64 = t0) -> OutboxNotification {
        OutboxNotification(migration: migration, event: .rollback, dedupeKey: key, url: "https://a/h", format: .json,
                           body: "{}", createdAt: at)
    }

    @Test func theOutboxIgnoresARepeatedKeyAndServesDueRowsInOrder() throws {
        let store = InMemoryMigrationStore()
        try store.enqueue([Self.note("a"), Self.note("b", at: Self.t0 + 5), Self.note("a")])
        try store.enqueue([Self.note("b")])
        #expect(try store.dueNotifications(atWall: Self.t0 - 1, limit: 10).isEmpty)
        #expect(try store.dueNotifications(atWall: Self.t0, limit: 10).map(\.notification.dedupeKey) == ["a"])
        let due = try store.dueNotifications(atWall: Self.t0 + 5, limit: 10)
        #expect(due.map(\.notification.dedupeKey) == ["a", "b"])

        try store.settle(id: due[0].id, .retry(at: Self.t0 + 2000, error: "503"), atWall: Self.t0 + 5)
        try store.settle(id: due[1].id, .delivered, atWall: Self.t0 + 5)
        #expect(try store.dueNotifications(atWall: Self.t0 + 1999, limit: 10).isEmpty)
        let retry = try store.dueNotifications(atWall: Self.t0 + 2000, limit: 10)
        #expect(retry.map(\.attempts) == [1] && retry.map(\.lastError) == ["503"])
        try store.settle(id: retry[0].id, .dropped(error: "503"), atWall: Self.t0 + 2000)
        #expect(try store.dueNotifications(atWall: .max, limit: 10).isEmpty)
        // Settled keys stay taken until forgotten.
        try store.enqueue([Self.note("a")])
        #expect(try store.dueNotifications(atWall: .max, limit: 10).isEmpty)
        _ = try store.trim(maxOutstanding: 10, forgetSettledBefore: Self.t0 + 2001, atWall: Self.t0 + 3000)
        try store.enqueue([Self.note("a")])
        #expect(try store.dueNotifications(atWall: .max, limit: 10).map(\.notification.dedupeKey) == ["a"])
    }

    @Test func trimDropsEachMigrationsOldestBeyondTheCap() throws {
        let store = InMemoryMigrationStore()
        try store.enqueue((0..<5).map { Self.note("x\($0)", migration: "x") } + [Self.note("y0", migration: "y")])
        let trim = try store.trim(maxOutstanding: 3, forgetSettledBefore: 0, atWall: Self.t0)
        #expect(trim == OutboxTrim(dropped: ["x": 2], outstanding: ["x": 3, "y": 1]))
        #expect(try store.dueNotifications(atWall: .max, limit: 10).map(\.notification.dedupeKey) == ["x2", "x3", "x4", "y0"])
    }

    @Test func aSaveWritesItsNotificationsAndARefusedOneWritesNone() throws {
        let store = InMemoryMigrationStore()
        let status = MigrationStatus(migration: "m", policyVersion: 1, phase: .ramping, step: 0, revision: 1,
                                     stepStartedAt: 0, updatedAt: 0, reason: "")
        try store.save(StoreChange(status: status, judge: .initial, newPolicySource: "{}", notifications: [Self.note("k1")]))
        var stale = StoreChange(status: status, judge: .initial, notifications: [Self.note("k2")])
        stale.status.revision = 0
        #expect(throws: MigrationStoreError.self) { try store.save(stale) }
        #expect(try store.dueNotifications(atWall: .max, limit: 10).map(\.notification.dedupeKey) == ["k1"])
    }
}
