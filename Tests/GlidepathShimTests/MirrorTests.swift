import Foundation
import Synchronization
import Testing
@testable import GlidepathShim

/// Shadow steps in the Swift shim: the mirror decision from the shared vectors, and
/// `call(key:_:mirror:)` running the copy in the background, bounded, recorded as `mirror=1`.
struct MirrorTests {
    static let decisions = WeightsDocumentVectorsTests.file.mirrorDecisions

    @Test(arguments: decisions.cases)
    func theDecisionFollowsTheVectors(_ row: WeightsDocumentVectorsTests.MirrorDecisions.Row) {
        #expect(ShimBucketing.bucket(migration: Self.decisions.migration, key: row.key) == row.bucket)
        let snapshot = WeightsSnapshot(revision: 1, baseline: "key-old", candidate: "key-new",
                                       candidateBasisPoints: Int((row.weight * 100).rounded()), state: "ramping",
                                       pollAfterSeconds: 5, etag: nil, mirrorBasisPoints: Int((row.mirror * 100).rounded()))
        let arm = row.bucket < snapshot.candidateBasisPoints ? "key-new" : "key-old"
        #expect(arm == (row.arm == "candidate" ? "key-new" : "key-old"))
        #expect(GlidepathShim.mirrors(bucket: row.bucket, servedBy: arm, snapshot: snapshot) == row.mirrored)
    }

    static let shadow = #""errorStatuses":[0,429,"5xx"],"breaker":{"consecutiveErrors":5,"openSeconds":30},"mirror":100"#

    @Test func aShadowCopyRunsInTheBackgroundAndIsRecordedAsAMirrorLine() async throws {
        let fake = FakeController()
        let clock = ManualClock()
        let shim = try await CallTests.shim(fake, clock: clock, candidate: 0, members: Self.shadow)
        #expect(shim.weights?.mirrorBasisPoints == 10_000)
        let copies = Mutex<[String]>([])
        let answer = await shim.call(key: "tenant-1", { arm in
            clock.advance(.milliseconds(30))
            return .init(status: 200, value: "from \(arm)")
        }, mirror: { arm in
            copies.withLock { $0.append(arm) }
            return .init(status: 503, value: "discarded", tokens: 7)
        })
        #expect(answer.arm == "openai" && answer.value == "from openai" && !answer.fellBack)
        #expect(await eventually { shim.mirrorsInFlight == 0 && shim.bufferedLines == 2 })
        #expect(copies.withLock { $0 } == ["holysheep"])
        #expect(shim.mirroredCalls == 1 && shim.droppedMirrors == 0)
        #expect(await shim.flush() == 2)
        let lines = try #require(fake.batches.first)
        #expect(lines.contains("openai 200 30"))
        #expect(lines.contains { $0.hasPrefix("holysheep 503 ") && $0.hasSuffix(" tokens=7 mirror=1") })
        // Mirrored errors never open the breaker: no user saw them.
        #expect(!shim.breakerIsOpen)
    }

    @Test func aThrowingCopyIsStatusZeroAndNeverReachesTheUser() async throws {
        struct Down: Error {}
        let fake = FakeController()
        let shim = try await CallTests.shim(fake, clock: ManualClock(), candidate: 0, members: Self.shadow)
        let answer = await shim.call(key: nil, { arm in .init(status: 200, value: arm) },
                                     mirror: { _ -> GlidepathShim.ArmResult<Void> in throw Down() })
        #expect(answer.value == "openai")
        #expect(await eventually { shim.mirrorsInFlight == 0 && shim.bufferedLines == 2 })
        #expect(await shim.flush() == 2)
        #expect(fake.batches.first?.contains("holysheep 0 0 mirror=1") == true)
    }

    @Test func atMostFourCopiesRunAndTheRestAreDroppedAndCounted() async throws {
        let fake = FakeController()
        let shim = try await CallTests.shim(fake, clock: ManualClock(), candidate: 0, members: Self.shadow)
        let release = Mutex(false)
        for i in 0..<10 {
            let answer = await shim.call(key: "k\(i)", { arm in .init(status: 200, value: arm) }, mirror: { _ in
                while !release.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(5)) }
                return GlidepathShim.ArmResult(status: 200, value: ())
            })
            #expect(answer.value == "openai")  // answered while the copies still run
        }
        #expect(shim.mirroredCalls == GlidepathShim.maxMirrorsInFlight)
        #expect(shim.droppedMirrors == 10 - GlidepathShim.maxMirrorsInFlight)
        #expect(shim.mirrorsInFlight == GlidepathShim.maxMirrorsInFlight)
        release.withLock { $0 = true }
        #expect(await eventually { shim.mirrorsInFlight == 0 })
        #expect(await shim.flush() == 10 + GlidepathShim.maxMirrorsInFlight)
    }

    @Test func withoutAMirrorOrOnTheCandidateNothingIsCopied() async throws {
        let fake = FakeController()
        let live = try await CallTests.shim(fake, clock: ManualClock(), candidate: 100,
                                            members: #""mirror":100"#)
        _ = await live.call(key: "k", { arm in .init(status: 200, value: arm) },
                            mirror: { _ in GlidepathShim.ArmResult(status: 200, value: ()) })
        let none = try await CallTests.shim(FakeController(), clock: ManualClock(), candidate: 0, members: "")
        _ = await none.call(key: "k", { arm in .init(status: 200, value: arm) },
                            mirror: { _ in GlidepathShim.ArmResult(status: 200, value: ()) })
        #expect(live.mirroredCalls == 0 && none.mirroredCalls == 0)
    }

    @Test func aMirrorLineOnTheBaselineIsRefused() async throws {
        let shim = try await CallTests.shim(FakeController(), clock: ManualClock(), candidate: 0, members: Self.shadow)
        shim.record(arm: "openai", status: 200, latency: .milliseconds(1), mirror: true)
        #expect(shim.bufferedLines == 0)
    }

    static let shadowWithRules = shadow + #","overrides":[{"attribute":"segment","in":["premium"],"arm":"baseline"},"#
        + #"{"attribute":"header:x-canary","equals":"always","arm":"candidate"}]"#

    @Test func aForcedRequestIsNeverMirrored() async throws {
        let fake = FakeController()
        let shim = try await CallTests.shim(fake, clock: ManualClock(), candidate: 0, members: Self.shadowWithRules)
        #expect(shim.weights?.overrides.count == 2 && shim.weights?.mirrorBasisPoints == 10_000)
        let copy: @Sendable (String) async throws -> GlidepathShim.ArmResult<Void> = { _ in .init(status: 200, value: ()) }
        let base = await shim.call(key: "k", attributes: ["segment": "premium"], { arm in .init(status: 200, value: arm) },
                                   mirror: copy)
        let cand = await shim.call(key: "k", attributes: ["header:X-Canary": "always"],
                                   { arm in .init(status: 200, value: arm) }, mirror: copy)
        #expect(base.arm == "openai" && cand.arm == "holysheep")
        #expect(shim.mirroredCalls == 0)
        // No rule matches: the bucket decides (the baseline at weight 0) and the copy is made.
        let plain = await shim.call(key: "k", attributes: ["segment": "free"], { arm in .init(status: 200, value: arm) },
                                    mirror: copy)
        #expect(plain.arm == "openai" && shim.mirroredCalls == 1)
        #expect(await eventually { shim.mirrorsInFlight == 0 && shim.bufferedLines == 4 })
        #expect(await shim.flush() == 4)
        let lines = try #require(fake.batches.first)
        #expect(lines.filter { $0.hasSuffix(" forced=1") }.map { String($0.prefix { $0 != " " }) } == ["openai", "holysheep"])
        #expect(lines.filter { $0.hasSuffix(" mirror=1") }.count == 1)
    }

    @Test func aLineIsNeverBothForcedAndMirrored() async throws {
        let shim = try await CallTests.shim(FakeController(), clock: ManualClock(), candidate: 0, members: Self.shadow)
        shim.record(arm: "holysheep", status: 200, latency: .milliseconds(1), forced: true, mirror: true)
        #expect(shim.bufferedLines == 0)
    }
}
