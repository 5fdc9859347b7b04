import GlidepathCore

/// The judges compared by the simulator.
package enum SimulatedJudge: String, Hashable, Sendable, CaseIterable {
    /// The product's default: anytime-valid sequential tests.
    case sequential
    /// The foundation's Flagger-style threshold rules (3 consecutive failed checks).
    case threshold
    /// A per-interval two-proportion z-test without correction for repeated looks (`ZTestJudge`).
    case ztest

    /// A fresh judge of this kind.
    package func make() -> any Judge {
        switch self {
        case .sequential: JudgeKind.sequential.makeJudge()
        case .threshold: JudgeKind.threshold.makeJudge()
        case .ztest: ZTestJudge()
        }
    }

    /// The policy's `judge` field for this kind (the z-test is not a product judge; it runs under a
    /// threshold policy whose judge field it ignores).
    package var policyKind: JudgeKind {
        switch self {
        case .sequential: .sequential
        case .threshold, .ztest: .threshold
        }
    }
}
