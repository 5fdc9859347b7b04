import Testing
@testable import GlidepathCore

/// Time arithmetic saturates: a step start far ahead of or behind the clock, or a duration near the
/// limits of `Int64`, never traps (a bake of "9223372036854775807ms" with a step start ahead of the
/// clock used to trap with an arithmetic overflow).
@Suite struct TimeArithmeticTests {
    static let differences: [(Int64, Int64, Int64)] = [
        (5, 3, 2), (.max, -1, .max), (.min, 1, .min), (0, .min, .max), (-2, .max, .min), (.max, .max, 0),
    ]
    static let sumsAndProducts: [(Int64, Int64, Int64, Int64)] = [
        (5, 3, 8, 15), (.max, 1, .max, .max), (.min, -1, .min, .max), (.max / 2 + 1, .max / 2 + 1, .max, .max),
        (-3, .max, .max - 3, .min),
    ]
    static let extremes: [(Int64, Int64)] = [
        (.max, 0), (.min, 0), (0, .max), (0, .min), (.max, .min), (.min, .max),
    ]

    @Test("saturating subtraction", arguments: differences)
    func subtracting(a: Int64, b: Int64, expected: Int64) {
        #expect(a.subtractingSaturating(b) == expected)
    }

    @Test("saturating addition and multiplication", arguments: sumsAndProducts)
    func adding(a: Int64, b: Int64, sum: Int64, product: Int64) {
        #expect(a.addingSaturating(b) == sum)
        #expect(a.multipliedSaturating(by: b) == product)
    }

    @Test func spanBuildersSaturate() {
        #expect(TimeSpan.seconds(.max).milliseconds == .max)
        #expect(TimeSpan.minutes(.min).milliseconds == .min)
        #expect(TimeSpan.days(366) == TimeSpan.maximum)
        #expect(TimeSpan.maximum.description == "366d")
        #expect(ReasonFormat.duration(milliseconds: .min) == "-106751991167d 7h")
    }

    /// A policy built directly (as a store written by an older version could hold) with every duration at
    /// `Int64.max`, and step starts at both ends of time: every judge ticks without trapping.
    @Test("extreme times and durations never trap", arguments: extremes)
    func extremeTimesNeverTrap(stepStartedAt: Int64, now: Int64) {
        let huge = TimeSpan(milliseconds: .max)
        var policy = Fixture.policy(steps: [Fixture.step(10, bake: huge), Fixture.step(100, bake: huge)],
                                    minRequests: 1, maxHold: huge, onStuck: .rollback)
        policy.noDataAfter = huge
        let status = Fixture.status(.ramping, step: 0, stepStartedAt: stepStartedAt)
        for judge in [ThresholdJudge(), SequentialJudge()] as [any Judge] {
            var state = JudgeState(lastSnapshot: .zero, lastCandidateAt: now)
            for i in 1...3 {
                let out = ControlTick.run(policy: policy, status: status, state: state,
                                          snapshot: ArmPair(baseline: Fixture.arm(100 * UInt64(i), errors: 0),
                                                            candidate: Fixture.arm(100 * UInt64(i), errors: 0)),
                                          judge: judge, now: now)
                state = out.judge
                #expect(out.verdict.action != .advance || now.subtractingSaturating(stepStartedAt) >= huge.milliseconds)
            }
        }
    }
}
