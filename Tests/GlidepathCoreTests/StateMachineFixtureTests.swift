import Testing
@testable import GlidepathCore

/// Shared builders for the state machine, judge and control-tick tests.
enum Fixture {
    static let minute: Int64 = 60_000

    static func step(_ percent: Int, bake: TimeSpan = .minutes(5), gate: Bool = false) -> Step {
        Step(weight: Weight(basisPoints: percent * 100), bake: bake, manualGate: gate)
    }

    /// `chat`: openai → holysheep over 5/10/25/50/100 %, 5 min bake each, 100 requests per arm.
    static func policy(steps: [Step]? = nil, minRequests: Int = 100, guards: Guards = Guards(),
                       maxHold: TimeSpan? = nil, onStuck: OnStuck = .hold,
                       baseline: String = "openai", candidate: String = "holysheep") -> Policy {
        Policy(migration: "chat", baseline: baseline, candidate: candidate,
               steps: steps ?? [step(5), step(10), step(25), step(50), step(100)],
               minRequests: minRequests, guards: guards, maxHold: maxHold, onStuck: onStuck)
    }

    static func status(_ phase: Phase, step: Int = 1, revision: Int64 = 7, stepStartedAt: Int64 = 1_000) -> MigrationStatus {
        MigrationStatus(migration: "chat", policyVersion: 1, phase: phase, step: step, revision: revision,
                        stepStartedAt: stepStartedAt, updatedAt: stepStartedAt, reason: "")
    }

    /// Non-cumulative histogram with every request in bucket `index`.
    static func latency(_ requests: UInt64, inBucket index: Int) -> [UInt64] {
        var h = [UInt64](repeating: 0, count: LatencyBuckets.count)
        h[index] = requests
        return h
    }

    /// Counts with latency all in bucket 24, (82 ms, 100 ms].
    static func arm(_ requests: UInt64, errors: UInt64, clientErrors: UInt64 = 0, bucket: Int = 24) -> ArmCounts {
        ArmCounts(requests: requests, errors: errors, clientErrors: clientErrors,
                  latency: latency(requests, inBucket: bucket), latencySum: Double(requests) * 0.09)
    }

    /// Some evidence, for checking it is kept or reset.
    static let someEvidence = JudgeState(step: ArmPair(baseline: arm(10, errors: 1), candidate: arm(5, errors: 0)),
                                         lastSnapshot: ArmPair(baseline: arm(500, errors: 5), candidate: arm(50, errors: 0)),
                                         lastTickAt: 900, lastDataAt: 800, memory: JudgeMemory(failedChecks: 2))
}

@Suite struct ReasonFormatTests {
    @Test func numbersReadWell() {
        #expect(ReasonFormat.count(1204) == "1,204")
        #expect(ReasonFormat.count(999) == "999")
        #expect(ReasonFormat.count(1_000_000) == "1,000,000")
        #expect(ReasonFormat.percent(0.098) == "9.8%")
        #expect(ReasonFormat.percent(0) == "0.0%")
        #expect(ReasonFormat.ratio(2) == "2.0×")
        #expect(ReasonFormat.fixed(0.05, 1) == "0.1")
        #expect(ReasonFormat.duration(milliseconds: 200_000) == "3m 20s")
        #expect(ReasonFormat.duration(milliseconds: 500) == "500ms")
        #expect(ReasonFormat.duration(milliseconds: 3_600_000 * 26) == "1d 2h")
        #expect(ReasonFormat.latency(seconds: 0.1797) == "180 ms")
        #expect(ReasonFormat.latency(seconds: 0.0008) == "0.8 ms")
        #expect(ReasonFormat.latency(seconds: 2.5) == "2.50 s")
        #expect(ReasonFormat.quantileName(0.99) == "p99")
        #expect(ReasonFormat.quantileName(0.999) == "p99.9")
        #expect(ReasonFormat.quantileName(0.5) == "p50")
    }
}
