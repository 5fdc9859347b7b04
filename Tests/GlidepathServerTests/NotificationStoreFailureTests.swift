import Foundation
import GlidepathCore
import Testing
@testable import GlidepathServer

/// An outbox whose store fails (a read-only or full disk) until told otherwise; wraps the in-memory one.
final class FailingOutbox: NotificationOutbox, @unchecked Sendable {
    let inner = InMemoryMigrationStore()
    private let lock = NSLock()
    private var failing = true
    private var writesFail = true
    struct ReadOnly: Error, CustomStringConvertible { var description: String { "attempt to write a readonly database" } }

    /// `failing` fails everything; `writes: false` (with `failing: false`) fails only writes, as a read-only mount does.
    func set(failing value: Bool, writes: Bool = true) { lock.withLock { failing = value; writesFail = value || !writes } }
    private func check() throws { if lock.withLock({ failing }) { throw ReadOnly() } }
    private func checkWrite() throws { if lock.withLock({ writesFail }) { throw ReadOnly() } }

    func enqueue(_ notifications: [OutboxNotification]) throws { try inner.enqueue(notifications) }
    func dueNotifications(atWall wall: Int64, limit: Int) throws -> [OutboxRow] {
        try check()
        return try inner.dueNotifications(atWall: wall, limit: limit)
    }
    func settle(id: Int64, _ outcome: DeliveryOutcome, atWall wall: Int64) throws {
        try checkWrite()
        try inner.settle(id: id, outcome, atWall: wall)
    }
    func trim(maxOutstanding: Int, forgetSettledBefore: Int64, atWall wall: Int64) throws -> OutboxTrim {
        try checkWrite()
        return try inner.trim(maxOutstanding: maxOutstanding, forgetSettledBefore: forgetSettledBefore, atWall: wall)
    }
}

/// A store that fails every pass is logged once, not twice a second (faults.sh counted 24 lines in 8 s of a
/// read-only database), and its recovery once, when a write succeeds again: on a read-only mount reads
/// still answer, and taking that for a recovery logged fail/recover pairs every trim (7 lines in 8 s).
@Suite struct NotificationStoreFailureTests {
    @Test func aFailingOutboxIsLoggedOnceUntilItRecovers() {
        let lines = Lines()
        let outbox = FailingOutbox()
        let clock = ManualTimeSource(Fixture.start)
        let dispatcher = NotificationDispatcher(
            outbox: outbox, transport: RecordingWebhookTransport(answers: []), config: WebhookConfig(),
            metrics: NotificationMetrics(registry: ServerMetrics().registry), time: clock,
            log: { event, level, message, _ in lines.append("\(event.rawValue) \(level.rawValue) \(message)") })
        for _ in 0..<40 {
            #expect(dispatcher.runOnce().storeError == "attempt to write a readonly database")
            clock.advance(milliseconds: 500)
        }
        #expect(lines.all == ["notification_failure error notifications: cannot trim the outbox: "
                              + "the store refused the write; notifications wait in the outbox until the store recovers"])
        // A store that answers reads but refuses writes (a read-only mount) has not recovered.
        outbox.set(failing: false, writes: false)
        for _ in 0..<40 {
            _ = dispatcher.runOnce()
            clock.advance(milliseconds: 500)
        }
        #expect(lines.all.count == 1)
        outbox.set(failing: false)
        clock.advance(milliseconds: 10_000)  // the next trim is due
        #expect(dispatcher.runOnce().storeError == nil)
        #expect(dispatcher.runOnce().storeError == nil)
        #expect(lines.all.count == 2)
        #expect(lines.all.last == "store_recovered info notifications: the outbox answers again (it had failed: "
                + "the store refused the write)")
    }
}
