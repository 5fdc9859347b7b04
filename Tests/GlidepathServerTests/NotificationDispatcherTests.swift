import Foundation
import GlidepathCore
import HTTPServer
import Testing
@testable import GlidepathServer

/// Notifications end to end in-process: a controller on the in-memory store, the recording transport and a
/// manual clock; the dispatcher's passes are run by hand.
@Suite struct NotificationDispatcherTests {
    static let secret = "s3cret"
    static let notify = #", "notify": [{"url": "https://hooks.example.com/glidepath", "on": ["rollback", "wait", "stuck"]}]"#

    struct World {
        let store: InMemoryMigrationStore
        let clock: ManualTimeSource
        let controller: Controller
        let router: Router
        let source: InMemoryMetricsSource
        let transport: RecordingWebhookTransport
        let dispatcher: NotificationDispatcher

        func total(_ outcome: String, _ migration: String = "chat-completions") -> Double {
            controller.notificationMetrics.total.value(labels: [migration, outcome])
        }
    }

    static func world(answers: [WebhookResponse] = [], settings: NotificationDispatcher.Settings = .init(),
                      store: InMemoryMigrationStore = InMemoryMigrationStore()) -> World {
        Log.enabled = false
        let clock = ManualTimeSource(Fixture.start)
        let config = WebhookConfig(secret: secret, publicURL: "https://glidepath.example.com")
        let controller = Controller(store: store, time: clock, webhooks: config)
        let transport = RecordingWebhookTransport(answers: answers)
        let dispatcher = NotificationDispatcher(outbox: store, transport: transport, config: config,
                                                metrics: controller.notificationMetrics, time: clock,
                                                settings: settings, jitter: { 0.5 })
        return World(store: store, clock: clock, controller: controller,
                     router: Router(controller: controller, auth: Authorizer(adminToken: nil, ingestToken: nil)),
                     source: InMemoryMetricsSource(), transport: transport, dispatcher: dispatcher)
    }

    static func create(_ w: World, extra: String = notify, steps: String? = nil) {
        let body = steps.map { Fixture.policy(steps: $0, extra: extra) } ?? Fixture.policy(extra: extra)
        let put = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: body))
        precondition(put.status == 201, put.text)
    }

    static func header(_ r: WebhookRequest, _ name: String) -> String? { r.headers.first { $0.name == name }?.value }

    @Test func anOperatorRollbackIsPostedOnceSignedWithTheDocumentedBody() throws {
        let w = Self.world()
        Self.create(w)
        w.clock.advance(milliseconds: 1500)
        let rollback = w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/rollback",
                                                       body: #"{"reason": "pager says so"}"#))
        #expect(rollback.status == 200)
        #expect(w.dispatcher.runOnce() == NotificationDispatcher.Pass(delivered: 1))
        #expect(w.dispatcher.runOnce() == NotificationDispatcher.Pass())

        let request = try #require(w.transport.requests.first)
        #expect(w.transport.requests.count == 1)
        #expect(request.url == "https://hooks.example.com/glidepath")
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body == #"{"migration":"chat-completions","event":"rollback","action":"rollback","fromStep":0,"toStep":0,"#
                + #""weights":{"openai":100,"holysheep":0},"actor":"operator","#
                + #""reason":"operator rolled back to 0% from step 0 (5%): pager says so","at":"2025-11-24T16:00:01.500Z","#
                + #""revision":2,"statusUrl":"https://glidepath.example.com/migrations/chat-completions"}"#)
        #expect(Self.header(request, "Content-Type") == "application/json")
        #expect(Self.header(request, "User-Agent") == "glidepath/\(ServerMetrics.version)")
        #expect(Self.header(request, "Glidepath-Event") == "rollback")
        #expect(Self.header(request, "Glidepath-Delivery") == "chat-completions/2/rollback/1764000001500/0")
        let timestamp = try #require(Self.header(request, "Glidepath-Timestamp"))
        #expect(timestamp == "1764000001")
        let mac = HMACSHA256.mac(key: Array(Self.secret.utf8), message: Array("\(timestamp).".utf8) + request.body)
        #expect(Self.header(request, "Glidepath-Signature") == "sha256=" + HMACSHA256.hex(mac))
        #expect(w.total("delivered") == 1 && w.total("failed") == 0 && w.total("dropped") == 0)
    }

    @Test func theSignatureIsHMACOfTimestampDotBody() {
        // Computed independently: python3 -c 'import hmac,hashlib; print(hmac.new(b"s3cret", b"1764000000.{\"a\":1}", hashlib.sha256).hexdigest())'
        #expect(WebhookConfig.signature(secret: "s3cret", timestamp: 1_764_000_000, body: Array(#"{"a":1}"#.utf8))
                == "sha256=ece4ac47663d3ad88bb0892d55cacbb8177c0af8203f4a4e2e1e25c47ec628d5")
        let unsigned = WebhookConfig().headers(body: [], event: "wait", delivery: "k", unixSeconds: 1)
        #expect(unsigned.map(\.name) == ["Content-Type", "User-Agent", "Glidepath-Event", "Glidepath-Delivery"])
    }

    @Test func aFailedAttemptIsRetriedAfterItsBackoff() {
        let w = Self.world(answers: [WebhookResponse(status: 500, detail: "boom")])
        Self.create(w)
        _ = w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/rollback"))
        #expect(w.dispatcher.runOnce() == NotificationDispatcher.Pass(failed: 1))
        #expect(w.total("failed") == 1)
        w.clock.advance(milliseconds: 999)
        #expect(w.dispatcher.runOnce() == NotificationDispatcher.Pass())
        w.clock.advance(milliseconds: 1)
        #expect(w.dispatcher.runOnce() == NotificationDispatcher.Pass(delivered: 1))
        #expect(w.transport.requests.count == 2)
        // Every attempt carries the same body and delivery id.
        #expect(Set(w.transport.requests.map(\.body)).count == 1)
        #expect(Set(w.transport.requests.compactMap { Self.header($0, "Glidepath-Delivery") }).count == 1)
        #expect(w.total("failed") == 1 && w.total("delivered") == 1)
    }

    @Test func aReceiverThatNeverAnswersIsGivenUpAfterTheLastAttempt() {
        var settings = NotificationDispatcher.Settings()
        settings.maxAttempts = 4
        let w = Self.world(settings: settings)
        w.transport.answer = WebhookResponse(status: nil, detail: "connection refused")
        Self.create(w)
        _ = w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/rollback"))
        var passes: [NotificationDispatcher.Pass] = []
        for _ in 0..<10 {
            passes.append(w.dispatcher.runOnce())
            w.clock.advance(milliseconds: 60_000)
        }
        #expect(passes.map(\.failed).reduce(0, +) == 3 && passes.map(\.dropped).reduce(0, +) == 1)
        #expect(w.transport.requests.count == 4)
        #expect(w.total("failed") == 3 && w.total("dropped") == 1 && w.total("delivered") == 0)
    }

    @Test("backoff: 1 s, 2 s, 4 s … capped at 5 min, jittered by ±20 %", arguments: [
        (1, 0.5, Int64(1000)), (2, 0.5, 2000), (3, 0.5, 4000), (9, 0.5, 256_000), (10, 0.5, 300_000), (40, 0.5, 300_000),
        (1, 0.0, 800), (1, 0.999_999, 1200), (9, 1.0, 300_000), (0, 0.5, 1000),
    ])
    func backoff(failures: Int, jitter: Double, expected: Int64) {
        #expect(NotificationDispatcher.retryDelay(afterFailures: failures, first: 1000, max: 300_000, jitter: jitter) == expected)
    }

    @Test func eachMigrationKeepsAtMostItsCapOutstanding() throws {
        var settings = NotificationDispatcher.Settings()
        settings.maxOutstandingPerMigration = 2
        let w = Self.world(settings: settings)
        w.transport.answer = WebhookResponse(status: 503)
        try w.store.enqueue((0..<5).map {
            OutboxNotification(migration: "m", event: .stuck, dedupeKey: "k\($0)", url: "https://a/h", format: .json,
                               body: "{}", createdAt: Fixture.start + Int64($0))
        })
        w.clock.advance(milliseconds: 10)
        let pass = w.dispatcher.runOnce()
        #expect(pass.dropped == 3 && pass.failed == 2)
        #expect(w.total("dropped", "m") == 3)
        #expect(w.controller.notificationMetrics.pending.value(labels: ["m"]) == 2)
        #expect(w.transport.requests.map { Self.header($0, "Glidepath-Delivery") } == ["k3", "k4"])
    }

    @Test func aStuckStepIsReportedOnceAndAManualGateWaitOnce() throws {
        let w = Self.world()
        Self.create(w, extra: Self.notify + #", "maxHold": "1m""#,
                    steps: #"[{"weight": 5}, {"weight": 50, "gate": "manual"}, {"weight": 100}]"#)
        // No traffic: the step holds (no data) and is stuck after a minute; ticks every 10 s for 3 minutes.
        for _ in 0..<18 {
            w.clock.advance(milliseconds: 10_000)
            w.controller.runOnce(now: w.clock.now(), source: w.source)
        }
        #expect(w.controller.entry("chat-completions")?.judge.lastVerdict?.rule == .stuck)
        var due = try w.store.dueNotifications(atWall: .max, limit: 10)
        #expect(due.map(\.notification.event) == [.stuck])
        #expect(due.map(\.notification.dedupeKey) == ["chat-completions/1/stuck/0/0"])
        w.dispatcher.runOnce()
        for _ in 0..<3 {
            w.clock.advance(milliseconds: 10_000)
            w.controller.runOnce(now: w.clock.now(), source: w.source)
        }
        #expect(try w.store.dueNotifications(atWall: .max, limit: 10).isEmpty)

        // Healthy traffic: the judge reaches the manual gate before step 1 and waits (one `wait`).
        for _ in 0..<30 {
            w.clock.advance(milliseconds: 10_000)
            w.source.add(traffic(200), for: "chat-completions")
            w.controller.runOnce(now: w.clock.now(), source: w.source)
        }
        #expect(w.controller.entry("chat-completions")?.status.phase == .waiting)
        due = try w.store.dueNotifications(atWall: .max, limit: 10)
        #expect(due.map(\.notification.event) == [.wait])
    }

    @Test func aQuarantinedMigrationIsReportedOncePerRevisionAcrossRestarts() throws {
        let store = InMemoryMigrationStore()
        let status = MigrationStatus(migration: "legacy", policyVersion: 1, phase: .ramping, step: 0, revision: 3,
                                     stepStartedAt: Fixture.start, updatedAt: Fixture.start, reason: "")
        // A stored policy this build refuses (a step weight of 0), whose notify list is still valid.
        let source = #"{"migration": "legacy", "baseline": "a", "candidate": "b", "steps": [{"weight": 0}], "#
            + #""notify": [{"url": "https://hooks.example.com/x", "format": "slack"}]}"#
        try store.save(StoreChange(status: status, judge: .initial, newPolicySource: source))
        for _ in 0..<2 {
            let w = Self.world(store: store)
            try w.controller.load()
            #expect(w.controller.brokenMigration("legacy") != nil)
        }
        let due = try store.dueNotifications(atWall: .max, limit: 10)
        #expect(due.map(\.notification.dedupeKey) == ["legacy/3/broken/0"])
        #expect(due.first?.notification.body.hasPrefix(#"{"text":"glidepath: legacy quarantined: stored policy version 1 no longer parses"#) == true)
    }

    @Test func aDecisionServedWhileTheStoreFailsQueuesItsNotificationOnlyWhenWritten() throws {
        let w = Fixture.world()
        _ = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: Fixture.policy(extra: Self.notify),
                                            headers: Fixture.admin))
        w.store.failSaves = true
        let rollback = w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/rollback", headers: Fixture.admin))
        #expect(rollback.status == 200)  // served at once, pending
        #expect(w.store.saves.flatMap(\.notifications).isEmpty)
        w.store.failSaves = false
        w.controller.runOnce(now: w.clock.now(), source: w.source)
        #expect(w.store.saves.last?.decision?.action == .rollback)
        #expect(w.store.saves.last?.notifications.map(\.event) == [.rollback])
    }
}
