import Foundation
import Testing
@testable import GlidepathShim

/// The breaker obeys the policy (the document's `errorStatuses` and `breaker`), runs on the monotonic
/// clock, and its trips reach the controller as a header of the next accepted batch.
struct BreakerTests {
    static let keyRotation = #""errorStatuses":[0,401,403,429,"5xx"],"breaker":{"consecutiveErrors":3,"openSeconds":10}"#

    /// A shim on a manual clock that has taken a document putting everything on the candidate.
    static func shim(_ fake: FakeController, clock: ManualClock, events: EventLog = EventLog(), members: String = keyRotation,
                     configure: (inout GlidepathShim.Configuration) -> Void = { _ in }) async throws -> GlidepathShim {
        fake.answer { r in r.method == "GET" ? FakeController.weights(revision: 1, candidate: 100, members: members) : FakeController.raw(202) }
        let shim = try makeShim(fake, events: events) { $0.clock = clock.read; configure(&$0) }
        #expect(await shim.refresh() == .updated(revision: 1))
        return shim
    }

    @Test func opensAfterTheDocumentsCountOfItsErrorsForItsOpenSecondsThenClosesAndCountsAgain() async throws {
        let fake = FakeController()
        let clock = ManualClock()
        let events = EventLog()
        let shim = try await Self.shim(fake, clock: clock, events: events)
        #expect(shim.breakerSettings == .init(consecutiveErrors: 3, openSeconds: 10))
        for status in [401, 403, 200, 401, 503, 404] {  // 200 and 404 (not listed) reset the streak
            shim.record(arm: "holysheep", status: status, latency: .milliseconds(5))
        }
        shim.record(arm: "openai", status: 401, latency: .milliseconds(5))  // baseline outcomes do not count
        shim.record(arm: "holysheep", status: 0, latency: .milliseconds(5))
        shim.record(arm: "holysheep", status: 401, latency: .milliseconds(5))
        #expect(shim.route(key: "k") == "holysheep" && !shim.breakerIsOpen)
        shim.record(arm: "holysheep", status: 429, latency: .milliseconds(5))
        #expect(shim.route(key: "k") == "openai" && shim.route(key: nil) == "openai" && shim.breakerIsOpen)
        #expect(shim.breakerTrips == 1)
        #expect(events.all.last == .breakerOpened(consecutiveErrors: 3, cooldown: 10))
        // Late answers from requests already in flight do not count towards the next opening.
        for _ in 0..<5 { shim.record(arm: "holysheep", status: 503, latency: .milliseconds(5)) }
        clock.advance(.seconds(10) - .nanoseconds(1))
        #expect(shim.route(key: "k") == "openai")
        clock.advance(.nanoseconds(1))
        #expect(shim.route(key: "k") == "holysheep" && !shim.breakerIsOpen)
        #expect(shim.breakerTrips == 1)
        for _ in 0..<2 { shim.record(arm: "holysheep", status: 403, latency: .milliseconds(5)) }
        #expect(shim.route(key: "k") == "holysheep")
        shim.record(arm: "holysheep", status: 403, latency: .milliseconds(5))
        #expect(shim.route(key: "k") == "openai" && shim.breakerTrips == 2)
    }

    @Test(arguments: [
        // (document members, configured threshold, configured cooldown, expected settings, expected trips after 4 errors)
        (keyRotation, nil, nil, GlidepathShim.BreakerSettings(consecutiveErrors: 3, openSeconds: 10), 1),
        (keyRotation, 2, 1.5, GlidepathShim.BreakerSettings(consecutiveErrors: 3, openSeconds: 10), 1),  // the policy wins
        ("", nil, nil, GlidepathShim.BreakerSettings.default, 0),                                        // older controller: 5, 30
        ("", 2, 1.5, GlidepathShim.BreakerSettings(consecutiveErrors: 2, openSeconds: 1.5), 1),            // ... or the configured ones
        (#""errorStatuses":[0,"5xx"]"#, 4, nil, GlidepathShim.BreakerSettings(consecutiveErrors: 4, openSeconds: 30), 1),
    ] as [(String, Int?, Double?, GlidepathShim.BreakerSettings, Int)])
    func settingsComeFromThePolicyElseTheConfigurationElseTheDefaults(
        members: String, threshold: Int?, cooldown: Double?, settings: GlidepathShim.BreakerSettings, trips: Int
    ) async throws {
        let clock = ManualClock()
        let shim = try await Self.shim(FakeController(), clock: clock, members: members) {
            $0.breakerThreshold = threshold
            $0.breakerCooldown = cooldown
        }
        #expect(shim.breakerSettings == settings)
        for _ in 0..<4 { shim.record(arm: "holysheep", status: 503, latency: .milliseconds(1)) }
        #expect(shim.breakerTrips == trips)
        #expect(shim.breakerIsOpen == (trips > 0))
        clock.advance(.seconds(settings.openSeconds))
        #expect(!shim.breakerIsOpen)
    }

    @Test func thresholdZeroTurnsTheBreakerOffWhateverThePolicySays() async throws {
        let shim = try await Self.shim(FakeController(), clock: ManualClock()) { $0.breakerThreshold = 0 }
        #expect(shim.breakerSettings == nil)
        for _ in 0..<20 { shim.record(arm: "holysheep", status: 401, latency: .milliseconds(1)) }
        #expect(shim.breakerTrips == 0 && shim.route(key: "k") == "holysheep")
    }

    @Test func theLastGoodStatusesAndBreakerStayWhenTheControllerIsAwayOrSendsGarbage() async throws {
        let fake = FakeController()
        let clock = ManualClock()
        let shim = try await Self.shim(fake, clock: clock)
        fake.answer { _ in throw FakeController.Unreachable() }
        #expect(await shim.refresh() == .failed("controller unreachable: connection refused"))
        fake.answer { _ in FakeController.weights(revision: 2, candidate: 100, members: #""errorStatuses":[0,"6xx"]"#) }
        guard case .rejected = await shim.refresh() else { Issue.record("a 6xx class was accepted"); return }
        #expect(shim.errorStatuses.description == #"[0,401,403,429,"5xx"]"#)
        #expect(shim.breakerSettings == .init(consecutiveErrors: 3, openSeconds: 10))
        for _ in 0..<3 { shim.record(arm: "holysheep", status: 401, latency: .milliseconds(1)) }
        #expect(shim.breakerTrips == 1 && shim.route(key: "k") == "openai")
    }

    @Test func tripsRideOnTheNextAcceptedBatchAndStayWhenItIsNotAccepted() async throws {
        let fake = FakeController()
        let shim = try await Self.shim(fake, clock: ManualClock()) { $0.batchLines = 2 }
        for _ in 0..<3 { shim.record(arm: "holysheep", status: 503, latency: .milliseconds(1)) }
        #expect(shim.breakerTrips == 1)
        fake.answer { _ in FakeController.raw(503, "busy") }
        #expect(await shim.flush() == 0)
        fake.answer { _ in throw FakeController.Unreachable() }
        #expect(await shim.flush() == 0)
        fake.answer { _ in FakeController.raw(400, #"{"error":"bad line"}"#) }  // lines dropped, counts kept
        #expect(await shim.flush() == 0)
        #expect(shim.bufferedLines == 0)
        shim.record(arm: "openai", status: 200, latency: .milliseconds(1))
        fake.answer { _ in FakeController.raw(202) }
        #expect(await shim.flush() == 1)
        shim.record(arm: "openai", status: 200, latency: .milliseconds(1))
        #expect(await shim.flush() == 1)
        let posts = fake.requests.filter { $0.method == "POST" }
        #expect(posts.map { $0.headers["Glidepath-Breaker-Trips"] } == ["1", "1", "1", "1", "1", nil])
        #expect(posts.allSatisfy { $0.headers["Glidepath-Fallbacks"] == nil })
        #expect(shim.breakerTrips == 1)
    }

    @Test func aTripWhileABatchIsInFlightIsReportedWithTheNextOne() async throws {
        let fake = FakeController()
        let shim = try await Self.shim(fake, clock: ManualClock())
        for _ in 0..<3 { shim.record(arm: "holysheep", status: 503, latency: .milliseconds(1)) }
        fake.answer { [shim] _ in
            // The breaker closes and trips again while the controller handles the batch.
            shim.routeState.withLock { $0.breakerUntil = nil }
            for _ in 0..<3 { shim.record(arm: "holysheep", status: 503, latency: .milliseconds(1)) }
            return FakeController.raw(202)
        }
        #expect(await shim.sendBatch() == .sent(3))
        fake.answer { _ in FakeController.raw(202) }
        #expect(await shim.sendBatch() == .sent(3))
        #expect(fake.requests.filter { $0.method == "POST" }.map { $0.headers["Glidepath-Breaker-Trips"] } == ["1", "1"])
        #expect(shim.breakerTrips == 2)
    }

    @Test func eachHeaderCarriesAtMostOneMillion() async throws {
        let fake = FakeController()
        let shim = try await Self.shim(fake, clock: ManualClock())
        shim.outbox.withLock {
            $0.tripsUnreported = 1_500_000
            $0.fallbacksUnreported = 7
        }
        shim.record(arm: "openai", status: 200, latency: .milliseconds(1))
        shim.record(arm: "openai", status: 200, latency: .milliseconds(1))
        _ = await shim.sendBatch()
        _ = await shim.sendBatch()
        let posts = fake.requests.filter { $0.method == "POST" }
        #expect(posts.map { $0.headers["Glidepath-Breaker-Trips"] } == ["1000000"])
        #expect(posts.map { $0.headers["Glidepath-Fallbacks"] } == ["7"])
        let left = shim.outbox.withLock { $0.pendingCounts() }
        #expect(left.trips == 500_000 && left.fallbacks == 0)
    }
}
