import Foundation
import Testing
@testable import GlidepathCore

/// The policies shipped in `policies/` are what `glidepath serve` applies at start: each must parse.
@Suite struct PolicyExamplesTests {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("policies")

    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasSuffix(".json") }.sorted()

    @Test("the examples are all there")
    func present() {
        #expect(Self.files == ["ai-provider-migration.json", "business-hours-ramp.json", "doubling-6h.json",
                               "header-canary.json", "key-rotation.json", "manual-gate.json",
                               "parallel-run-new-key.json"])
    }

    @Test("every example policy parses", arguments: files)
    func parses(file: String) throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
        let result = PolicyParser.parse(text)
        switch result {
        case .failure(let error):
            Issue.record("\(file): \(error)")
        case .success(let policy):
            #expect(try PolicyParser.parse(PolicyParser.render(policy).rendered(pretty: true)).get() == policy)
        }
    }

    @Test("examples have distinct migration names")
    func distinctNames() throws {
        let names = try Self.files.map { file -> String in
            let text = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
            return try PolicyParser.parse(text).get().migration
        }
        #expect(Set(names).count == names.count)
    }

    @Test("examples say what they promise")
    func shapes() throws {
        func load(_ file: String) throws -> Policy {
            try PolicyParser.parse(String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)).get()
        }
        let ai = try load("ai-provider-migration.json")
        #expect(ai.baseline == "openai")
        #expect(ai.steps.map(\.weight.description) == ["5", "10", "25", "50", "100"])
        #expect(ai.steps.dropLast().allSatisfy { $0.bake == .minutes(10) })

        let calendar = try load("business-hours-ramp.json")
        #expect(calendar.schedule?.timezone == "Asia/Bangkok")
        #expect(calendar.schedule?.advance.map(\.days) == [Set(0...4)])
        #expect(calendar.schedule?.blackout.map(\.hoursText) == ["09:00-11:00"])
        #expect(calendar.steps.map(\.bake.description) == ["2d", "3d", "1w", "0s"])

        let doubling = try load("doubling-6h.json")
        #expect(doubling.steps.map(\.weight.description) == ["5", "10", "20", "40", "80", "100"])
        #expect(doubling.steps.dropLast().allSatisfy { $0.bake == TimeSpan(milliseconds: 6 * 3_600_000) })

        let keys = try load("key-rotation.json")
        // Both keys carry traffic from the first step until the last: 24 hours of overlap.
        #expect(keys.steps.dropLast().reduce(Int64(0)) { $0 + $1.bake.milliseconds } == 24 * 3_600_000)
        #expect(keys.steps.last?.weight == .full)
        #expect(keys.guards.classifier.classify(401) == .error)

        let canary = try load("header-canary.json")
        // Testers first (header, cookie, the QA merchant even after a rollback); premium stays on the baseline.
        #expect(canary.overrides == [
            OverrideRule(match: .keys(["merchant-qa-1"]), arm: .candidate, evenWhenRolledBack: true),
            OverrideRule(match: .header(name: "x-canary", equals: "always"), arm: .candidate),
            OverrideRule(match: .cookie(name: "canary", equals: "1"), arm: .candidate),
            OverrideRule(match: .segment(["premium"]), arm: .baseline),
        ])
        #expect(canary.steps.first?.weight.description == "5")

        let parallel = try load("parallel-run-new-key.json")
        // 24 hours of shadow traffic (every request mirrored, none served) before a 5/25/50/100 % ramp.
        #expect(parallel.steps.first == Step(weight: .zero, bake: .hours(24), mirror: .full))
        #expect(parallel.steps.dropFirst().map(\.weight.description) == ["5", "25", "50", "100"])
        #expect(parallel.steps.dropFirst().allSatisfy { $0.mirror == .zero })
        #expect(parallel.guards.classifier.classify(403) == .error)

        let gate = try load("manual-gate.json")
        // The gate sits on the 100 % step: an operator must open it before all traffic moves.
        #expect(gate.steps.map(\.manualGate) == [false, false, false, true])
        #expect(gate.steps.last?.weight == .full)
    }
}
