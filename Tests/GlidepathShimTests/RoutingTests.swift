import Foundation
import Testing
@testable import GlidepathShim

struct RoutingTests {
    @Test func defaultArmBeforeContactIsTheBaselineOrTheNamedArm() async throws {
        let fake = FakeController()
        let shim = try makeShim(fake)
        #expect(shim.route(key: "merchant-42") == "openai")
        #expect(shim.route(key: nil) == "openai")
        #expect(await shim.refresh() == .failed("controller unreachable: connection refused"))
        #expect(shim.route(key: "merchant-42") == "openai")
        let named = try makeShim(fake) { $0.defaultArm = "holysheep" }
        #expect(named.route(key: "merchant-42") == "holysheep")
    }

    @Test(arguments: [
        ("no baseline", "defaultArm .baseline needs the baseline arm's name (Configuration.baseline)"),
        ("no migration", "migration must not be empty"),
        ("no batch", "batchLines must be at least 1, got 0"),
        ("no buffer", "maxBufferedLines must be at least 1, got 0"),
        ("no interval", "batchInterval must be positive, got 0.0"),
    ])
    func refusesUnworkableConfigurations(change: String, message: String) {
        #expect(throws: ShimConfigurationError(message)) {
            try makeShim(FakeController()) { c in
                switch change {
                case "no baseline": c.baseline = nil
                case "no migration": c.migration = ""
                case "no batch": c.batchLines = 0
                case "no buffer": c.maxBufferedLines = 0
                default: c.batchInterval = 0
                }
            }
        }
    }

    @Test func aKeyOnTheCandidateStaysThereAsTheWeightGrows() async throws {
        let fake = FakeController()
        let shim = try makeShim(fake)
        let keys = (0..<2000).map { "merchant-\($0)" }
        var previous: Set<String> = []
        for (revision, weight) in [5.0, 10, 27.25, 50, 99.99, 100].enumerated() {
            fake.answer { _ in FakeController.weights(revision: revision + 1, candidate: weight) }
            #expect(await shim.refresh() == .updated(revision: revision + 1))
            let onCandidate = Set(keys.filter { shim.route(key: $0) == "holysheep" })
            #expect(previous.isSubset(of: onCandidate))
            let expected = keys.filter { ShimBucketing.bucket(migration: "chat-completions", key: $0) < Int((weight * 100).rounded()) }
            #expect(onCandidate == Set(expected))
            previous = onCandidate
        }
        #expect(previous.count == keys.count)
        // The protocol's example: merchant-42 is bucket 2724, on the candidate at 27.25 % but not at 27.24 %.
        fake.answer { _ in FakeController.weights(revision: 10, candidate: 27.24) }
        await shim.refresh()
        #expect(shim.route(key: "merchant-42") == "openai")
        fake.answer { _ in FakeController.weights(revision: 11, candidate: 27.25) }
        await shim.refresh()
        #expect(shim.route(key: "merchant-42") == "holysheep")
    }

    @Test(arguments: [1.0, 30, 72.5])
    func aboutTheWeightOfManyKeysAndOfKeylessRequestsGoToTheCandidate(weight: Double) async throws {
        let fake = FakeController { _ in FakeController.weights(revision: 1, candidate: weight) }
        let shim = try makeShim(fake)
        await shim.refresh()
        var rng = SystemRandomNumberGenerator()
        let n = 100_000
        let keyed = (0..<n).filter { _ in shim.route(key: "user-\(rng.next() as UInt64)") == "holysheep" }.count
        let keyless = (0..<n).filter { _ in shim.route(key: nil) == "holysheep" }.count
        // 100k Bernoulli draws: 5 standard deviations is at most 0.8 percentage points.
        #expect(abs(Double(keyed) / Double(n) * 100 - weight) < 0.8)
        #expect(abs(Double(keyless) / Double(n) * 100 - weight) < 0.8)
    }

    @Test func breakerSendsEverythingToTheBaselineForTheCooldown() async throws {
        let fake = FakeController { _ in FakeController.weights(revision: 1, candidate: 100) }
        let events = EventLog()
        let shim = try makeShim(fake, events: events) { $0.breakerThreshold = 3; $0.breakerCooldown = 0.3 }
        await shim.refresh()
        #expect(shim.route(key: "k") == "holysheep")
        shim.record(arm: "holysheep", status: 503, latency: .milliseconds(10))
        shim.record(arm: "holysheep", status: 0, latency: .milliseconds(10))
        shim.record(arm: "holysheep", status: 200, latency: .milliseconds(10)) // a success resets the streak
        shim.record(arm: "holysheep", status: 429, latency: .milliseconds(10))
        shim.record(arm: "holysheep", status: 404, latency: .milliseconds(10)) // a client error is no error: resets
        shim.record(arm: "holysheep", status: 502, latency: .milliseconds(10))
        shim.record(arm: "openai", status: 500, latency: .milliseconds(10))    // baseline errors do not count
        shim.record(arm: "holysheep", status: 500, latency: .milliseconds(10))
        #expect(shim.route(key: "k") == "holysheep")
        shim.record(arm: "holysheep", status: 504, latency: .milliseconds(10))
        #expect(shim.route(key: "k") == "openai")
        #expect(shim.route(key: nil) == "openai")
        #expect(events.all.contains(.breakerOpened(consecutiveErrors: 3, cooldown: 0.3)))
        #expect(await eventually { shim.route(key: "k") == "holysheep" })
    }

    @Test func fallbackOnlyForCandidateErrorsWhenEnabled() async throws {
        let fake = FakeController { _ in FakeController.weights(revision: 1, candidate: 50) }
        let on = try makeShim(fake) { $0.fallbackToBaseline = true }
        let off = try makeShim(fake)
        #expect(on.shouldRetryOnBaseline(arm: "holysheep", status: 503)) // no weights yet: the configured candidate
        #expect(!on.shouldRetryOnBaseline(arm: "holysheep", status: 401)) // ... and the default statuses
        await on.refresh()
        await off.refresh()
        #expect(on.shouldRetryOnBaseline(arm: "holysheep", status: 503))
        #expect(on.shouldRetryOnBaseline(arm: "holysheep", status: 0))
        #expect(on.shouldRetryOnBaseline(arm: "holysheep", status: 429))
        #expect(!on.shouldRetryOnBaseline(arm: "holysheep", status: 400))
        #expect(!on.shouldRetryOnBaseline(arm: "holysheep", status: 200))
        #expect(!on.shouldRetryOnBaseline(arm: "openai", status: 503))
        #expect(!off.shouldRetryOnBaseline(arm: "holysheep", status: 503))
        #expect(on.baselineArm == "openai")
        #expect(on.fallbacks == 4 && off.fallbacks == 0) // each yes counts one fallback, reported with the next batch
        on.record(arm: "openai", status: 200, latency: .milliseconds(1))
        #expect(await on.flush() == 1)
        #expect(fake.requests.last?.headers["Glidepath-Fallbacks"] == "4")
        fake.answer { _ in FakeController.weights(revision: 2, candidate: 50, members: #""errorStatuses":[401,403]"#) }
        await on.refresh()
        #expect(on.shouldRetryOnBaseline(arm: "holysheep", status: 401))  // the policy's statuses, once known
        #expect(!on.shouldRetryOnBaseline(arm: "holysheep", status: 503))
    }
}
