import GlidepathCore
import Testing
@testable import GlidepathServer

/// `stepCounts.<arm>` in `GET /v1/migrations/{name}`: TTFT at the guard's quantile, tokens per successful
/// request and cost per request next to the request counts.
@Suite struct StatusArmsTests {
    static let policy: Policy = {
        var p = Policy(migration: "chat", baseline: "openai", candidate: "holysheep", steps: [Step(weight: .full, bake: .zero)])
        p.guards.ttft = TTFTGuard(quantile: 0.5)
        p.cost = ["holysheep": ArmCost(per1kTokens: 0.42, perRequest: 0.001)]
        return p
    }()

    @Test func armsShowWhatTheNewGuardsCompare() {
        var ttft = [UInt64](repeating: 0, count: LatencyBuckets.count)
        ttft[24] = 100  // (82 ms, 100 ms]: the p50 interpolates to 91 ms
        let candidate = ArmCounts(requests: 100, errors: 10, clientErrors: 10, tokens: 40_000, ttft: ttft)
        #expect(StatusJSON.counts(candidate, arm: .candidate, policy: Self.policy).rendered
                == #"{"requests":100,"errors":10,"clientErrors":10,"ttft":{"quantile":0.5,"seconds":0.091},"#
                + #""tokens":40000,"tokensPerSuccessfulRequest":500,"cost":16.89,"costPerRequest":0.18766666666666668}"#)
        // No TTFT reported, no price, no successful request.
        let baseline = ArmCounts(requests: 3, errors: 3)
        #expect(StatusJSON.counts(baseline, arm: .baseline, policy: Self.policy).rendered
                == #"{"requests":3,"errors":3,"clientErrors":0,"ttft":null,"tokens":0,"#
                + #""tokensPerSuccessfulRequest":null,"cost":null,"costPerRequest":null}"#)
    }
}
