import Foundation
import GlidepathCore
import HTTPServer
import SQLiteStore
import Testing
@testable import GlidepathServer

/// Webhooks over real sockets: the URLSession transport, the dispatcher's thread and the SQLite outbox
/// against a local receiver on port 0.
@Suite(.serialized) struct WebhookLiveTests {
    static let secret = "live-secret"

    static func policy(_ receiver: WebhookReceiver, name: String = "chat-completions", interval: String = "10s") -> String {
        #"{"migration": "\#(name)", "baseline": "openai", "candidate": "holysheep", "interval": "\#(interval)", "#
            + #""minRequests": 20, "steps": [{"weight": 5}, {"weight": 50}, {"weight": 100}], "#
            + #""notify": [{"url": "\#(receiver.url)", "on": ["rollback"]}]}"#
    }

    static func settings(firstRetry: Int64 = 1000) -> NotificationDispatcher.Settings {
        var s = NotificationDispatcher.Settings()
        s.firstRetryMilliseconds = firstRetry
        s.period = 0.05
        return s
    }

    static func dispatcher(_ store: SQLiteMigrationStore, _ controller: Controller,
                           settings: NotificationDispatcher.Settings = settings()) -> NotificationDispatcher {
        NotificationDispatcher(outbox: store, transport: URLSessionWebhookTransport(), config: controller.webhooks,
                               metrics: controller.notificationMetrics, time: controller.time, settings: settings)
    }

    /// Polls `condition` until it holds (true) or `timeout` seconds pass (false).
    static func eventually(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }

    static func withStore(_ body: (String) throws -> Void) throws {
        Log.enabled = false
        try TempDirectory.with { dir in try body(dir.file("glidepath.db")) }
    }

    @Test func aRollbackProducesExactlyOneSignedPost() throws {
        try Self.withStore { path in
            let receiver = try WebhookReceiver()
            defer { receiver.stop() }
            let store = try SQLiteMigrationStore(path: path)
            defer { store.close() }
            let controller = Controller(store: store, webhooks: WebhookConfig(secret: Self.secret))
            _ = try controller.apply(policySource: Self.policy(receiver), name: "chat-completions")
            _ = try controller.perform(.advance, migration: "chat-completions", reason: nil)  // not listened to
            _ = try controller.perform(.rollback, migration: "chat-completions", reason: "live test")
            let dispatcher = Self.dispatcher(store, controller)
            dispatcher.start()
            defer { dispatcher.stop() }

            #expect(receiver.wait(for: 1))
            Thread.sleep(forTimeInterval: 0.5)  // nothing else arrives
            #expect(receiver.requests.count == 1)
            let r = try #require(receiver.requests.first)
            #expect(r.method == "POST" && r.path == "/hook")
            #expect(r.headers["Content-Type"] == "application/json")
            #expect(r.headers["Glidepath-Event"] == "rollback")
            let timestamp = try #require(r.headers["Glidepath-Timestamp"].flatMap { Int64($0) })
            #expect(abs(timestamp - Int64(Date().timeIntervalSince1970)) < 30)
            #expect(r.headers["Glidepath-Signature"]
                    == WebhookConfig.signature(secret: Self.secret, timestamp: timestamp, body: r.body))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
            #expect(json["migration"] as? String == "chat-completions")
            #expect(json["event"] as? String == "rollback" && json["actor"] as? String == "operator")
            #expect(json["fromStep"] as? Int == 1 && json["revision"] as? Int == 3)
            #expect(json["weights"] as? [String: Int] == ["openai": 100, "holysheep": 0])
            #expect((json["reason"] as? String)?.hasSuffix(": live test") == true)
            #expect(Self.eventually { controller.notificationMetrics.total.value(labels: ["chat-completions", "delivered"]) == 1 })
            #expect(receiver.requests.count == 1)
        }
    }

    @Test func aReceiverAnswering500ThenOKGetsARetry() throws {
        try Self.withStore { path in
            let receiver = try WebhookReceiver([.init(status: 500, body: "try later")])
            defer { receiver.stop() }
            let store = try SQLiteMigrationStore(path: path)
            defer { store.close() }
            let controller = Controller(store: store)
            _ = try controller.apply(policySource: Self.policy(receiver), name: "chat-completions")
            _ = try controller.perform(.rollback, migration: "chat-completions", reason: nil)
            let dispatcher = Self.dispatcher(store, controller, settings: Self.settings(firstRetry: 300))
            dispatcher.start()
            defer { dispatcher.stop() }

            #expect(receiver.wait(for: 2))
            let m = controller.notificationMetrics
            #expect(Self.eventually { m.total.value(labels: ["chat-completions", "delivered"]) == 1 })
            #expect(m.total.value(labels: ["chat-completions", "failed"]) == 1)
            #expect(m.total.value(labels: ["chat-completions", "delivered"]) == 1)
            let bodies = receiver.requests.map(\.body)
            #expect(bodies.count == 2 && bodies[0] == bodies[1])
            #expect(receiver.requests[0].headers["Glidepath-Delivery"] == receiver.requests[1].headers["Glidepath-Delivery"])
            #expect(receiver.requests[0].headers["Glidepath-Signature"] == nil)  // no secret set
        }
    }

    @Test func queuedNotificationsSurviveARestartAndAreDeliveredAfter() throws {
        try Self.withStore { path in
            // Before the "crash": a rollback is stored with its notification, nothing is sent.
            do {
                let store = try SQLiteMigrationStore(path: path)
                let controller = Controller(store: store)
                let receiverURL = "http://127.0.0.1:9/hook"  // not used: the dispatcher never runs
                let policy = #"{"migration": "m", "baseline": "a", "candidate": "b", "steps": [{"weight": 5}], "#
                    + #""notify": [{"url": "\#(receiverURL)"}]}"#
                _ = try controller.apply(policySource: policy, name: "m")
                _ = try controller.perform(.rollback, migration: "m", reason: "before the crash")
                store.close()
            }
            let receiver = try WebhookReceiver()
            defer { receiver.stop() }
            // After the restart, the outbox still holds it; point the row at the receiver to watch it arrive.
            let db = try SQLiteConnection(path: path)
            try db.exec("UPDATE notification_outbox SET url = '\(receiver.url)'")
            try db.close()
            let store = try SQLiteMigrationStore(path: path)
            defer { store.close() }
            let controller = Controller(store: store)
            try controller.load()
            #expect(try store.dueNotifications(atWall: .max, limit: 10).map(\.notification.event) == [.rollback])
            let dispatcher = Self.dispatcher(store, controller)
            dispatcher.start()
            defer { dispatcher.stop() }
            #expect(receiver.wait(for: 1))
            let body = String(decoding: receiver.requests.first?.body ?? [], as: UTF8.self)
            #expect(body.contains(#""reason":"operator rolled back to 0% from step 0 (5%): before the crash""#))
            #expect(try Self.eventually { try store.dueNotifications(atWall: .max, limit: 10).isEmpty })
            #expect(receiver.requests.count == 1)
        }
    }

    @Test func aSlowReceiverDoesNotDelayTicks() throws {
        try Self.withStore { path in
            let receiver = try WebhookReceiver([.init(status: 200, delay: 4)])
            defer { receiver.stop() }
            let store = try SQLiteMigrationStore(path: path)
            defer { store.close() }
            let clock = ManualTimeSource(SystemTimeSource.realtime())
            let controller = Controller(store: store, time: clock)
            _ = try controller.apply(policySource: Self.policy(receiver), name: "chat-completions")
            _ = try controller.apply(policySource: Self.policy(receiver, name: "other"), name: "other")
            _ = try controller.perform(.rollback, migration: "chat-completions", reason: nil)
            let dispatcher = Self.dispatcher(store, controller)
            dispatcher.start()
            defer { dispatcher.stop() }
            #expect(receiver.wait(for: 1))
            #expect(receiver.busy)

            // While the receiver sleeps on its answer, the control loop's rounds run at full speed.
            let source = InMemoryMetricsSource()
            var slowest = 0.0
            for _ in 0..<10 {
                clock.advance(milliseconds: 10_000)
                source.add(traffic(100), for: "other")
                let started = SystemTimeSource.monotonicSeconds()
                let report = controller.runOnce(now: clock.now(), source: source)
                slowest = max(slowest, SystemTimeSource.monotonicSeconds() - started)
                #expect(report.ticked.contains("other"))
            }
            #expect(receiver.busy, "the receiver answered before the rounds were done")
            #expect(slowest < 1, "slowest round \(slowest) s")
        }
    }

    // MARK: The transport alone

    @Test func aRedirectIsTheAnswerNotFollowed() throws {
        let receiver = try WebhookReceiver([.init(status: 302, headers: [("Location", "/elsewhere")])])
        defer { receiver.stop() }
        let r = URLSessionWebhookTransport().post(WebhookRequest(url: receiver.url, headers: [], body: Array("{}".utf8)),
                                                  timeout: 5)
        #expect(r.status == 302)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(receiver.requests.map(\.path) == ["/hook"])
    }

    @Test func aLongAnswerIsReadOnlyInPartAndASlowOneTimesOut() throws {
        let receiver = try WebhookReceiver([.init(status: 200, body: String(repeating: "x", count: 200_000)),
                                            .init(status: 200, delay: 3)])
        defer { receiver.stop() }
        let transport = URLSessionWebhookTransport()
        let long = transport.post(WebhookRequest(url: receiver.url, headers: [], body: []), timeout: 5)
        #expect(long.status == 200 && long.detail.count <= WebhookResponse.maxDetailCharacters)
        let started = Date()
        let slow = transport.post(WebhookRequest(url: receiver.url, headers: [], body: []), timeout: 1)
        #expect(slow.status == nil && slow.summary == "no answer (timed out after 1s)")
        #expect(Date().timeIntervalSince(started) < 2.5)
    }

    @Test func aClosedPortIsNoAnswer() throws {
        let r = URLSessionWebhookTransport().post(WebhookRequest(url: "http://127.0.0.1:9/hook", headers: [], body: []),
                                                  timeout: 2)
        #expect(r.status == nil)
        #expect(!r.detail.isEmpty)
    }
}

extension WebhookLiveTests {
/// Webhook gates over real sockets: the controller asks in the background, ticks read the answers.
///
/// Nested in `WebhookLiveTests` so that its `.serialized` covers both: these tests wait synchronously
/// (receivers that sleep, 5 s timeouts), and two of them at once hold both of a 2-core machine's
/// cooperative threads, starving every async test beside them (the shims' live tests timed out in CI).
@Suite struct WebhookGateLiveTests {
    static func policy(gate url: String) -> String {
        #"{"migration": "chat-completions", "baseline": "openai", "candidate": "holysheep", "interval": "10s", "#
            + #""judge": "threshold", "minRequests": 20, "#
            + #""steps": [{"weight": 5}, {"weight": 50, "gate": {"webhook": "\#(url)"}}, {"weight": 100}]}"#
    }

    struct World {
        let clock: ManualTimeSource
        let controller: Controller
        let source = InMemoryMetricsSource()

        func tick() {
            clock.advance(milliseconds: 10_000)
            source.add(traffic(100), for: "chat-completions")
            controller.runOnce(at: clock.read(), source: source)
            #expect(controller.gates.waitIdle(timeout: 10))
        }

        var entry: MigrationEntry? { controller.entry("chat-completions") }
    }

    static func world(gate url: String, store: any MigrationStore) throws -> World {
        Log.enabled = false
        let clock = ManualTimeSource(Fixture.start)
        let controller = Controller(store: store, time: clock, webhooks: WebhookConfig(secret: "gate-secret"))
        _ = try controller.apply(policySource: policy(gate: url), name: "chat-completions")
        return World(clock: clock, controller: controller)
    }

    @Test func aGateAnswering403ThenOKHoldsThenOpens() throws {
        try TempDirectory.with { dir in
            let receiver = try WebhookReceiver([.init(status: 403, body: "release freeze")])
            defer { receiver.stop() }
            let store = try SQLiteMigrationStore(path: dir.file("glidepath.db"))
            defer { store.close() }
            let w = try Self.world(gate: receiver.url, store: store)

            w.tick()  // counter snapshot
            w.tick()  // the judge would advance: waiting at the gate, asked at once
            #expect(w.entry?.status.phase == .waiting)
            #expect(w.entry?.lastDecision?.action == .wait)
            #expect(receiver.requests.count == 1)

            w.tick()  // the 403 holds; asked again
            let waiting = try #require(w.entry)
            #expect(waiting.status.phase == .waiting && waiting.status.step == 0)
            #expect(waiting.judge.lastVerdict?.rule == .gate)
            #expect(waiting.judge.lastVerdict?.reason.hasPrefix(
                "waiting for webhook gate 127.0.0.1:\(receiver.port) before step 1 (50%): last answer 403 (release freeze); "
                    + "the judge would advance: ") == true)
            let status = StatusJSON.full(waiting, now: w.clock.read()).rendered
            #expect(status.contains(#""rule":"gate","reason":"waiting for webhook gate 127.0.0.1:\#(receiver.port)"#))
            #expect(status.contains(#""gate":{"webhook":"http://127.0.0.1:\#(receiver.port)/…"}"#))
            #expect(receiver.requests.count == 2)

            w.tick()  // the 200 opens it
            let opened = try #require(w.entry)
            #expect(opened.status.phase == .ramping && opened.status.step == 1)
            #expect(opened.lastDecision?.action == .advance && opened.lastDecision?.actor == .judge)
            #expect(opened.lastDecision?.reason.hasPrefix("webhook gate 127.0.0.1:\(receiver.port) answered 200 (ok); ") == true)
            #expect(receiver.requests.count == 2)  // not asked once the gate is passed

            let question = receiver.requests[1]
            let json = try #require(try JSONSerialization.jsonObject(with: Data(question.body)) as? [String: Any])
            #expect(json["migration"] as? String == "chat-completions" && json["phase"] as? String == "waiting")
            #expect(json["step"] as? Int == 0 && json["weight"] as? Int == 5)
            #expect(json["nextStep"] as? Int == 1 && json["nextWeight"] as? Int == 50)
            #expect(json["revision"] as? Int == 2)
            #expect(question.headers["Glidepath-Event"] == "gate")
            let timestamp = try #require(question.headers["Glidepath-Timestamp"].flatMap { Int64($0) })
            #expect(question.headers["Glidepath-Signature"]
                    == WebhookConfig.signature(secret: "gate-secret", timestamp: timestamp, body: question.body))
        }
    }

    @Test func anUnreachableGateKeepsHoldingAndAnOperatorCanOpenIt() throws {
        let w = try Self.world(gate: "http://127.0.0.1:9/confirm", store: InMemoryMigrationStore())
        for _ in 0..<6 { w.tick() }
        let held = try #require(w.entry)
        #expect(held.status.phase == .waiting && held.status.step == 0)
        #expect(held.judge.lastVerdict?.rule == .gate)
        #expect(held.judge.lastVerdict?.reason.contains("last answer no answer (") == true)
        _ = try w.controller.perform(.resume, migration: "chat-completions", reason: "gate service is down, checked by hand")
        #expect(w.entry?.status.step == 1 && w.entry?.status.phase == .ramping)
    }
}
}
