import Foundation
import Testing
@testable import GlidepathShim

/// shims/vectors/overrides-routing.json (shared by the three shims): override rules applied before the
/// bucket, by state; and forced requests reported with `forced=1`.
struct OverrideRoutingTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var state: String
        var weight: Double
        var key: String?
        var attributes: [String: String]
        var arm: String
        var forced: Bool
        var testDescription: String { name }
    }

    struct File: Decodable, Sendable {
        var migration: String
        var baseline: String
        var candidate: String
        var overrides: WeightsDocumentVectorsTests.JSON
        var cases: [Case]
    }

    static let file: File = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        do {
            let data = try Data(contentsOf: root.appendingPathComponent("shims/vectors/overrides-routing.json"))
            return try JSONDecoder().decode(File.self, from: data)
        } catch {
            fatalError("shims/vectors/overrides-routing.json: \(error)")
        }
    }()

    /// The file's weights document in `state` at `weight`, as the controller would serve it.
    static func document(state: String, weight: Double) -> Data {
        let f = file
        let rules = String(decoding: (try? JSONEncoder().encode(f.overrides)) ?? Data(), as: UTF8.self)
        let body = #"{"migration":"\#(f.migration)","revision":4,"state":"\#(state)","step":0,"baseline":"\#(f.baseline)","#
            + #""candidate":"\#(f.candidate)","weights":{"\#(f.baseline)":\#(100 - weight),"\#(f.candidate)":\#(weight)},"#
            + #""pollAfterSeconds":5,"overrides":\#(rules)}"#
        return Data(body.utf8)
    }

    @Test func theFileCoversEveryStateAndBothArms() {
        let cases = Self.file.cases
        #expect(cases.count >= 25)
        #expect(Set(cases.map(\.state)) == ["ramping", "waiting", "paused", "rolled_back", "promoted"])
        #expect(cases.contains { $0.forced && $0.arm == Self.file.baseline })
        #expect(cases.contains { $0.forced && $0.arm == Self.file.candidate })
        #expect(cases.contains { $0.key == nil })
    }

    @Test(arguments: file.cases)
    func routesAsTheVectorSays(_ c: Case) throws {
        let shim = try makeShim(FakeController())
        let snapshot = try WeightsValidator.validate(Self.document(state: c.state, weight: c.weight), etag: nil,
                                                     migration: Self.file.migration, baseline: nil, candidate: nil,
                                                     previous: nil).get()
        #expect(snapshot.overrides.count == 5)
        shim.routeState.withLock { $0.snapshot = snapshot }
        #expect(shim.route(key: c.key, attributes: c.attributes) == GlidepathShim.Route(arm: c.arm, forced: c.forced))
    }

    @Test func theDecodedRulesKeepTheirOrderAndShapes() throws {
        let snapshot = try WeightsValidator.validate(Self.document(state: "ramping", weight: 5), etag: nil,
                                                     migration: "chat-completions", baseline: nil, candidate: nil,
                                                     previous: nil).get()
        #expect(snapshot.overrides == [
            .init(match: .header(name: "x-canary", equals: "always"), arm: .candidate),
            .init(match: .cookie(name: "canary", equals: "1"), arm: .candidate),
            .init(match: .segment(["premium", "enterprise"]), arm: .baseline),
            .init(match: .keys(["qa-1", "qa-2"]), arm: .candidate, evenWhenRolledBack: true),
            .init(match: .keys(["blocked-1"]), arm: .baseline),
        ])
    }

    @Test func beforeAnyWeightsTheDefaultArmIsNotForced() throws {
        let shim = try makeShim(FakeController())
        #expect(shim.route(key: "qa-1", attributes: ["header:x-canary": "always"]) == .init(arm: "openai", forced: false))
    }

    @Test func anOpenBreakerSkipsCandidateRulesButNotEvenWhenRolledBack() async throws {
        let fake = FakeController()
        let clock = ManualClock()
        let rules = #""overrides":[{"attribute":"header:x-canary","equals":"always","arm":"candidate"},"#
            + #"{"keys":["qa-1"],"arm":"candidate","evenWhenRolledBack":true}]"#
        fake.answer { _ in FakeController.weights(revision: 2, candidate: 5, members: #""breaker":{"consecutiveErrors":1,"openSeconds":30},"# + rules) }
        let shim = try makeShim(fake) { $0.clock = clock.read }
        _ = await shim.refresh()
        #expect(shim.route(key: "merchant-42", attributes: ["header:X-Canary": "always"]) == .init(arm: "holysheep", forced: true))
        shim.record(arm: "holysheep", status: 503, latency: .milliseconds(5), forced: true)
        #expect(shim.breakerIsOpen)
        #expect(shim.route(key: "merchant-42", attributes: ["header:X-Canary": "always"]) == .init(arm: "openai", forced: false))
        #expect(shim.route(key: "qa-1", attributes: [:]) == .init(arm: "holysheep", forced: true))
        clock.advance(.seconds(31))
        #expect(shim.route(key: "merchant-42", attributes: ["header:X-Canary": "always"]) == .init(arm: "holysheep", forced: true))
    }

    @Test func callRecordsForcedRequestsWithForced1AndKeyRulesApplyWithoutAttributes() async throws {
        let fake = FakeController()
        let rules = #""overrides":[{"attribute":"cookie:canary","equals":"1","arm":"candidate"},"#
            + #"{"keys":["vip"],"arm":"baseline"}]"#
        fake.answer { r in
            r.method == "POST" ? FakeController.raw(202, #"{"accepted":1}"#)
                : FakeController.weights(revision: 2, candidate: 100, members: rules)
        }
        let shim = try makeShim(fake) { $0.fallbackToBaseline = true }
        _ = await shim.refresh()
        let forced = await shim.call(key: "merchant-42", attributes: ["cookie:canary": "1"]) { arm in
            GlidepathShim.ArmResult(status: 200, value: arm)
        }
        #expect(forced.arm == "holysheep")
        let vip = await shim.call(key: "vip") { arm in GlidepathShim.ArmResult(status: 200, value: arm) }
        #expect(vip.arm == "openai")
        let plain = await shim.call(key: "merchant-42") { arm in GlidepathShim.ArmResult(status: 200, value: arm) }
        #expect(plain.arm == "holysheep")
        // The old route(key:) applies no rules.
        #expect(shim.route(key: "vip") == "holysheep")
        _ = await shim.flush()
        let lines: [String] = fake.batches.reduce([], +)
        #expect(lines.map { String($0.prefix { $0 != " " }) } == ["holysheep", "openai", "holysheep"])
        #expect(lines.map { $0.hasSuffix(" forced=1") } == [true, true, false])
    }
}
