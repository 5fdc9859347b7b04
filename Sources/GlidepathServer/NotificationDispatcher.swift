import Foundation
import GlidepathCore

/// The thread that delivers the outbox: wakes every `period`, POSTs the notifications that are due, and
/// settles each (delivered on 2xx; otherwise retried with exponential backoff and jitter — about 1 s, 2 s,
/// 4 s … capped at 5 min — and given up after `maxAttempts`). It never touches the control loop: a slow or
/// dead receiver only delays other notifications. After a restart it carries on from the stored outbox.
///
/// Bounded: each migration keeps at most `maxOutstandingPerMigration` outstanding notifications (the oldest
/// beyond are dropped and counted), a pass sends at most `batch`, and every POST has the transport's
/// timeout and answer cap. Counts go to `glidepath_notifications_total{migration,outcome}`.
package final class NotificationDispatcher: @unchecked Sendable {
    package struct Settings: Sendable {
        package var maxAttempts = 12
        package var firstRetryMilliseconds: Int64 = 1000
        package var maxRetryMilliseconds: Int64 = 300_000
        package var maxOutstandingPerMigration = 200
        /// Settled rows are kept this long (their dedupe keys stay taken), then forgotten.
        package var keepSettledMilliseconds: Int64 = 7 * 86_400_000
        package var trimEveryMilliseconds: Int64 = 10_000
        package var batch = 32
        /// Seconds between passes when nothing is due.
        package var period: Double = 0.5

        package init() {}
    }

    /// What one pass did (tests).
    package struct Pass: Sendable, Equatable {
        package var delivered = 0
        package var failed = 0
        package var dropped = 0
        package var storeError: String?

        package var sent: Int { delivered + failed + dropped }
    }

    let outbox: any NotificationOutbox
    let transport: any WebhookTransport
    let config: WebhookConfig
    let metrics: NotificationMetrics
    let time: any TimeSource
    let settings: Settings
    private let jitter: @Sendable () -> Double

    private let lock = NSLock()
    private var lastTrim: Int64?
    /// Migrations whose pending gauge is set (to zero them when their last notification settles).
    private var pendingNames: Set<String> = []
    private var worker: WorkerThread?
    /// The failing store's reason while the outbox cannot be read or written (logged once per streak).
    private var storeFailing: String?
    /// Where log events go (tests collect them).
    private let log: @Sendable (LogEvent, Log.Level, String, [(String, JSON)]) -> Void

    package init(outbox: any NotificationOutbox, transport: any WebhookTransport, config: WebhookConfig,
                 metrics: NotificationMetrics, time: any TimeSource, settings: Settings = Settings(),
                 jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                 log: @escaping @Sendable (LogEvent, Log.Level, String, [(String, JSON)]) -> Void = {
                     Log.event($0, $1, $2, $3)
                 }) {
        self.log = log
        self.outbox = outbox
        self.transport = transport
        self.config = config
        self.metrics = metrics
        self.time = time
        self.settings = settings
        self.jitter = jitter
    }

    /// The delay before attempt `failures + 1` after `failures` failed ones: `first × 2^(failures−1)`, capped at
    /// `max`, times a jitter factor between 0.8 and 1.2 (`jitter` in 0..<1), still capped at `max`.
    package static func retryDelay(afterFailures failures: Int, first: Int64, max: Int64, jitter: Double) -> Int64 {
        let exponent = Swift.min(Swift.max(failures - 1, 0), 30)
        let base = Swift.min(first.multipliedSaturating(by: Int64(1) << Int64(exponent)), max)
        let factor = 0.8 + 0.4 * Swift.min(Swift.max(jitter, 0), 1)
        return Swift.min(Int64((Double(base) * factor).rounded()), max)
    }

    /// Starts the delivery thread: a pass every `settings.period`, at once again while a full batch was sent.
    package func start() {
        let batch = settings.batch
        let w = WorkerThread(name: "glidepath-notifications", period: settings.period) { [weak self] _ in
            guard let pass = self?.runOnce() else { return false }
            return pass.sent >= batch && pass.storeError == nil  // more may be due
        }
        lock.withLock { worker = w }
        w.start()
    }

    /// Asks the thread to stop and waits for the POST in progress (at most the transport's timeout).
    package func stop() { lock.withLock { worker }?.stop() }

    /// Wakes the thread now instead of at the end of its period (a notification was just queued).
    package func wake() { lock.withLock { worker }?.wake() }

    private var isStopping: Bool { lock.withLock { worker }?.isStopping ?? false }

    /// One pass: trims the outbox when due, then sends what is due now, in order.
    @discardableResult
    package func runOnce() -> Pass {
        var pass = Pass()
        let now = time.read().wall
        if lock.withLock({ lastTrim.map { now.subtractingSaturating($0) >= settings.trimEveryMilliseconds } ?? true }) {
            trim(now: now, &pass)
        }
        let due: [OutboxRow]
        do { due = try outbox.dueNotifications(atWall: now, limit: settings.batch) } catch {
            storeFailed("read the outbox", error, &pass)
            return pass
        }
        for row in due {
            if isStopping { break }
            deliver(row, &pass)
        }
        return pass
    }

    private func trim(now: Int64, _ pass: inout Pass) {
        let result: OutboxTrim
        do {
            result = try outbox.trim(maxOutstanding: settings.maxOutstandingPerMigration,
                                     forgetSettledBefore: now.subtractingSaturating(settings.keepSettledMilliseconds),
                                     atWall: now)
        } catch {
            lock.withLock { lastTrim = now }  // tried again after trimEveryMilliseconds, not every pass
            storeFailed("trim the outbox", error, &pass)
            return
        }
        storeSucceeded()
        for (migration, n) in result.dropped.sorted(by: { $0.key < $1.key }) {
            metrics.count(.dropped, migration: migration, n)
            pass.dropped += n
            log(.notificationFailure, .error, "notifications: migration \(migration): \(n) notification(s) "
                + "dropped, more than \(settings.maxOutstandingPerMigration) were waiting (is the receiver down?)",
                [("migration", .string(migration)), ("outcome", .string("dropped")), ("count", .int(Int64(n)))])
        }
        lock.withLock {
            lastTrim = now
            for name in pendingNames.subtracting(result.outstanding.keys) {
                if metrics.isForgotten(name) { pendingNames.remove(name) } else { metrics.pending.set(0, labels: [name]) }
            }
            for (name, n) in result.outstanding { metrics.pending.set(Double(n), labels: [name]) }
            pendingNames.formUnion(result.outstanding.keys)
        }
    }

    /// POSTs one notification and records the outcome.
    private func deliver(_ row: OutboxRow, _ pass: inout Pass) {
        let n = row.notification
        let body = Array(n.body.utf8)
        let sentAt = time.read().wall
        let request = WebhookRequest(url: n.url,
                                     headers: config.headers(body: body, event: n.event.rawValue, delivery: n.dedupeKey,
                                                             unixSeconds: sentAt / 1000),
                                     body: body)
        let response = transport.post(request, timeout: config.timeoutSeconds)
        let now = time.read().wall
        let host = WebhookURL.parse(n.url).map(\.redacted).get(or: "the webhook")
        let outcome: DeliveryOutcome
        let attempt = row.attempts + 1
        if response.isSuccess {
            outcome = .delivered
            metrics.count(.delivered, migration: n.migration)
            pass.delivered += 1
        } else if attempt >= settings.maxAttempts {
            outcome = .dropped(error: response.summary)
            metrics.count(.dropped, migration: n.migration)
            pass.dropped += 1
            log(.notificationFailure, .error, "notification \(n.event.rawValue) of migration \(n.migration) to "
                + "\(host): attempt \(attempt) failed (\(response.summary)); given up after \(settings.maxAttempts) attempts",
                Self.fields(n, host: host, attempt: attempt, outcome: "dropped", detail: response.summary))
        } else {
            let delay = Self.retryDelay(afterFailures: attempt, first: settings.firstRetryMilliseconds,
                                        max: settings.maxRetryMilliseconds, jitter: jitter())
            outcome = .retry(at: now.addingSaturating(delay), error: response.summary)
            metrics.count(.failed, migration: n.migration)
            pass.failed += 1
            log(.notificationFailure, .error, "notification \(n.event.rawValue) of migration \(n.migration) to "
                + "\(host): attempt \(attempt) failed (\(response.summary)); retrying in "
                + ReasonFormat.duration(milliseconds: delay),
                Self.fields(n, host: host, attempt: attempt, outcome: "failed", detail: response.summary))
        }
        do {
            try outbox.settle(id: row.id, outcome, atWall: now)
            storeSucceeded()
        } catch {
            // Sent again after the store recovers (at least once): the receiver sees the same Glidepath-Delivery.
            storeFailed("record the outcome of \(n.dedupeKey)", error, &pass)
        }
    }

    /// A store error: counted in the pass, logged only when the store starts failing (a read-only or full
    /// disk fails every pass; the controller's own store health reports it too).
    private func storeFailed(_ what: String, _ error: any Error, _ pass: inout Pass) {
        let reason = StoreHealth.plainReason(error)
        pass.storeError = "\(error)"
        let first = lock.withLock { () -> Bool in
            defer { storeFailing = reason }
            return storeFailing == nil
        }
        guard first else { return }
        log(.notificationFailure, .error, "notifications: cannot \(what): \(reason); notifications wait in the outbox "
            + "until the store recovers", [("outcome", .string("store_error")), ("detail", .string(reason))])
    }

    /// A write to the outbox (trim, settle) succeeded: logs the recovery once after a failure. A read alone
    /// proves nothing: a read-only database still answers reads.
    private func storeSucceeded() {
        let recovered = lock.withLock { () -> String? in
            defer { storeFailing = nil }
            return storeFailing
        }
        guard let recovered else { return }
        log(.storeRecovered, .info, "notifications: the outbox answers again (it had failed: \(recovered))",
            [("reason", .string(recovered))])
    }

    /// The JSON log fields of a failed delivery; the URL only as its redacted host (Slack URLs carry a secret).
    static func fields(_ n: OutboxNotification, host: String, attempt: Int, outcome: String,
                       detail: String) -> [(String, JSON)] {
        [("migration", .string(n.migration)), ("notification", .string(n.event.rawValue)), ("url", .string(host)),
         ("attempt", .int(Int64(attempt))), ("outcome", .string(outcome)), ("detail", .string(detail))]
    }
}

extension Result {
    /// The success value, or `fallback`.
    func get(or fallback: Success) -> Success {
        if case .success(let v) = self { return v }
        return fallback
    }
}
