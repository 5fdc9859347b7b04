import Foundation
import Testing
@testable import GlidepathShim

/// Failover across controller URLs (`Configuration.servers`): a primary, then its standbys.
struct FailoverTests {
    static let primary = URL(string: "http://primary.test:8470")!
    static let standby = URL(string: "http://standby.test:8470/")!

    /// A fake where the primary and the standby answer by the given handlers.
    static func fake(primary: @escaping @Sendable (ShimRequest) throws -> ShimResponse,
                     standby: @escaping @Sendable (ShimRequest) throws -> ShimResponse) -> FakeController {
        FakeController { r in r.url.host == "primary.test" ? try primary(r) : try standby(r) }
    }

    static func shim(_ fake: FakeController, clock: ManualClock = ManualClock(), events: EventLog = EventLog()) throws -> GlidepathShim {
        try makeShim(fake, events: events) { c in
            c.servers = [primary, standby]
            c.clock = clock.read
        }
    }

    static let refused: @Sendable (ShimRequest) throws -> ShimResponse = { _ in throw FakeController.Unreachable() }
    static let weights: @Sendable (ShimRequest) throws -> ShimResponse = { r in
        r.headers["If-None-Match"] == "\"7\"" ? FakeController.raw(304) : FakeController.weights(revision: 7, candidate: 25)
    }

    @Test func serverStillWorksAndServersDefaultsToIt() throws {
        var c = GlidepathShim.Configuration(server: Self.primary, migration: "m", baseline: "a")
        #expect(c.servers == [Self.primary])
        c.servers = [Self.primary, Self.standby]
        #expect(c.server == Self.primary)
        c.server = Self.standby
        #expect(c.servers == [Self.standby, Self.standby])
        c.servers = []
        #expect(throws: ShimConfigurationError("servers must hold 1 to 8 controller URLs, got 0")) {
            try GlidepathShim(configuration: c)
        }
        c.servers = [URL(string: "ftp://x.test")!]
        #expect(throws: ShimConfigurationError("servers must be http(s) URLs, got ftp://x.test")) {
            try GlidepathShim(configuration: c)
        }
    }

    @Test func aRefusedPrimaryFailsOverAndTheStandbySticks() async throws {
        let fake = Self.fake(primary: Self.refused, standby: Self.weights)
        let events = EventLog()
        let shim = try Self.shim(fake, events: events)
        #expect(await shim.refresh() == .updated(revision: 7))
        #expect(await shim.refresh() == .unchanged)
        #expect(fake.requests.map { $0.url.host ?? "" } == ["primary.test", "standby.test", "standby.test"])
        #expect(fake.requests.last?.url.absoluteString == "http://standby.test:8470/v1/migrations/chat-completions/weights")
        #expect(fake.requests.last?.headers["If-None-Match"] == "\"7\"")
        #expect(events.all.contains(.failover(from: "http://primary.test:8470", to: "http://standby.test:8470")))
    }

    @Test func a5xxFailsOverBut404IsAnAnswer() async throws {
        let a = Self.fake(primary: { _ in FakeController.raw(502) }, standby: Self.weights)
        #expect(await (try Self.shim(a)).refresh() == .updated(revision: 7))
        let b = Self.fake(primary: { _ in FakeController.raw(404, #"{"error":"no migration"}"#) }, standby: Self.weights)
        if case .failed = await (try Self.shim(b)).refresh() {} else { Issue.record("a 404 is an answer, not a failover") }
        #expect(b.requests.count == 1)
    }

    @Test func theFirstIsTriedAgainAfterTheBackOff() async throws {
        let clock = ManualClock()
        let fake = Self.fake(primary: Self.refused, standby: Self.weights)
        let shim = try Self.shim(fake, clock: clock)
        await shim.refresh()
        fake.answer { r in r.url.host == "primary.test" ? FakeController.weights(revision: 8, candidate: 50) : try Self.weights(r) }
        clock.advance(.seconds(29))
        await shim.refresh()
        #expect(fake.requests.last?.url.host == "standby.test")
        clock.advance(.seconds(2))
        #expect(await shim.refresh() == .updated(revision: 8))
        #expect(fake.requests.last?.url.host == "primary.test")
        #expect(shim.pollServers.current == 0)
    }

    @Test func batchesSkipAStandbys503AndFailStaticWhenAllAreAway() async throws {
        let fake = Self.fake(primary: Self.refused, standby: { r in
            r.method == "GET" ? FakeController.weights(revision: 7, candidate: 25) : FakeController.raw(503, #"{"error":"standby"}"#)
        })
        let shim = try Self.shim(fake)
        await shim.refresh()
        shim.record(arm: "openai", status: 200, latency: .milliseconds(3))
        guard case .failed(let why) = await shim.sendBatch(), why.hasPrefix("HTTP 503") else {
            Issue.record("every URL refusing the batch must fail it with the last answer")
            return
        }
        #expect(fake.requests.suffix(2).map { $0.url.host ?? "" } == ["primary.test", "standby.test"])
        fake.answer { r in
            r.url.host == "standby.test" && r.method == "POST" ? FakeController.raw(202, #"{"accepted":1}"#) : try Self.refused(r)
        }
        #expect(await shim.sendBatch() == .sent(1))
        #expect(fake.requests.last?.url.absoluteString == "http://standby.test:8470/v1/migrations/chat-completions/observations")
        if case .failed = await shim.refresh() {} else { Issue.record("every URL away must fail") }
        #expect(shim.weights?.revision == 7)
        #expect(shim.route(key: "merchant-42") == "openai")
    }
}
