import Foundation
import Testing
@testable import GlidepathShim

/// `call(key:_:)`: route, call, record, and fall back to the baseline when the candidate fails with one
/// of the policy's error statuses (or throws).
struct CallTests {
    struct ProviderDown: Error, Equatable {}

    static let keyRotation = #""errorStatuses":[0,401,403,429,"5xx"],"breaker":{"consecutiveErrors":5,"openSeconds":30}"#

    /// A shim on a manual clock with the candidate at `candidate` %.
    static func shim(_ fake: FakeController, clock: ManualClock, candidate: Double = 100,
                     members: String = keyRotation) async throws -> GlidepathShim {
        fake.answer { r in
            r.method == "GET" ? FakeController.weights(revision: 4, candidate: candidate, members: members) : FakeController.raw(202)
        }
        let shim = try makeShim(fake) { $0.clock = clock.read }
        await shim.refresh()
        return shim
    }

    @Test func aCandidateSuccessIsRecordedWithItsLatencyTokensAndTTFT() async throws {
        let fake = FakeController()
        let clock = ManualClock()
        let shim = try await Self.shim(fake, clock: clock)
        var arms: [String] = []
        let answer = await shim.call(key: "tenant-1") { arm in
            arms.append(arm)
            clock.advance(.milliseconds(812) + .microseconds(500))
            return .init(status: 200, value: "hello from \(arm)", tokens: 512, ttft: .microseconds(95_500))
        }
        #expect(arms == ["holysheep"])
        #expect(answer.arm == "holysheep" && answer.status == 200 && answer.value == "hello from holysheep" && !answer.fellBack)
        #expect(shim.fallbacks == 0)
        #expect(await shim.flush() == 1)
        #expect(fake.batches == [["holysheep 200 812.5 tokens=512 ttft_ms=95.5"]])
        #expect(fake.requests.last?.headers["Glidepath-Fallbacks"] == nil)
    }

    @Test(arguments: [401, 403, 429, 500, 503, 0])
    func aCandidateErrorStatusFallsBackToTheBaselineAndBothAreRecorded(status: Int) async throws {
        let fake = FakeController()
        let clock = ManualClock()
        let shim = try await Self.shim(fake, clock: clock)
        var arms: [String] = []
        let answer = await shim.call(key: "tenant-1") { arm in
            arms.append(arm)
            clock.advance(.milliseconds(arm == "holysheep" ? 40 : 300))
            return .init(status: arm == "holysheep" ? status : 200, value: arm)
        }
        #expect(arms == ["holysheep", "openai"])
        #expect(answer == GlidepathShim.CallResult(arm: "openai", result: .init(status: 200, value: "openai"), candidateStatus: status))
        #expect(answer.fellBack && shim.fallbacks == 1)
        #expect(await shim.flush() == 2)
        #expect(fake.batches == [["holysheep \(status) 40", "openai 200 300"]])
        #expect(fake.requests.last?.headers["Glidepath-Fallbacks"] == "1")
        shim.record(arm: "openai", status: 200, latency: .milliseconds(1))
        #expect(await shim.flush() == 1)
        #expect(fake.requests.last?.headers["Glidepath-Fallbacks"] == nil)  // reported once
    }

    @Test(arguments: [200, 204, 400, 404, 503])
    func statusesThePolicyDoesNotListAreAnswersNotFailures(status: Int) async throws {
        let fake = FakeController()
        let shim = try await Self.shim(fake, clock: ManualClock(), members: #""errorStatuses":[0,401,403]"#)
        var calls = 0
        let answer = await shim.call(key: "k") { arm in
            calls += 1
            return .init(status: status, value: arm)
        }
        #expect(calls == 1 && answer.arm == "holysheep" && answer.status == status && !answer.fellBack && shim.fallbacks == 0)
    }

    @Test func aThrowingCandidateIsRecordedAsStatus0AndFallsBack() async throws {
        let fake = FakeController()
        let clock = ManualClock()
        let shim = try await Self.shim(fake, clock: clock)
        let answer = try await shim.call(key: "k") { arm throws(ProviderDown) in
            clock.advance(.seconds(2))
            if arm == "holysheep" { throw ProviderDown() }
            return .init(status: 200, value: 1, tokens: 30)
        }
        #expect(answer.arm == "openai" && answer.value == 1 && answer.candidateStatus == 0)
        #expect(await shim.flush() == 2)
        #expect(fake.batches == [["holysheep 0 2000", "openai 200 2000 tokens=30"]])
    }

    @Test func aThrowingBaselineIsPassedOnAfterBeingRecorded() async throws {
        let fake = FakeController()
        let shim = try await Self.shim(fake, clock: ManualClock())
        await #expect(throws: ProviderDown()) {
            _ = try await shim.call(key: "k") { (_: String) throws(ProviderDown) -> GlidepathShim.ArmResult<Int> in throw ProviderDown() }
        }
        #expect(shim.fallbacks == 1)
        #expect(await shim.flush() == 2)
        #expect(fake.batches == [["holysheep 0 0", "openai 0 0"]])

        let baselineOnly = try await Self.shim(FakeController(), clock: ManualClock(), candidate: 0)
        await #expect(throws: ProviderDown()) {
            _ = try await baselineOnly.call(key: "k") { (_: String) throws(ProviderDown) -> GlidepathShim.ArmResult<Int> in throw ProviderDown() }
        }
        #expect(baselineOnly.fallbacks == 0 && baselineOnly.bufferedLines == 1)
    }

    @Test func aFailingBaselineIsReturnedAsItIs() async throws {
        let shim = try await Self.shim(FakeController(), clock: ManualClock(), candidate: 0)
        var calls = 0
        let answer = await shim.call(key: "k") { arm in
            calls += 1
            return .init(status: 503, value: arm)
        }
        #expect(calls == 1 && answer.arm == "openai" && answer.status == 503 && !answer.fellBack)
    }

    @Test func whileTheBreakerIsOpenTheCandidateIsNotCalledAtAll() async throws {
        let fake = FakeController()
        let clock = ManualClock()
        let shim = try await Self.shim(fake, clock: clock)
        var arms: [String] = []
        for _ in 0..<7 {
            _ = await shim.call(key: "k") { arm in
                arms.append(arm)
                return .init(status: arm == "holysheep" ? 401 : 200, value: ())
            }
        }
        // Five candidate 401s open the breaker (the policy's 5); the last two calls go to the baseline only.
        #expect(arms == Array(repeating: ["holysheep", "openai"], count: 5).flatMap { $0 } + ["openai", "openai"])
        #expect(shim.breakerTrips == 1 && shim.fallbacks == 5)
        #expect(await shim.flush() == 12)
        let post = try #require(fake.requests.last)
        #expect(post.headers["Glidepath-Breaker-Trips"] == "1" && post.headers["Glidepath-Fallbacks"] == "5")
        clock.advance(.seconds(30))
        #expect(shim.route(key: "k") == "holysheep")
    }

    /// `body` runs in the caller's isolation: main-actor state needs no Sendable dance.
    @MainActor @Test func theBodyRunsOnTheCallersActor() async throws {
        final class Tally { var arms: [String] = [] }
        let tally = Tally()
        let shim = try await Self.shim(FakeController(), clock: ManualClock())
        let answer = await shim.call(key: nil) { arm in
            MainActor.assertIsolated()
            tally.arms.append(arm)
            return .init(status: 200, value: tally.arms.count)
        }
        #expect(answer.value == 1 && tally.arms == ["holysheep"])
    }
}
