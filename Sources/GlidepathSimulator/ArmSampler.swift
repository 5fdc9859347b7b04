import GlidepathCore

/// Draws one arm's traffic for one tick into cumulative `ArmCounts`, the way the arm's counters
/// would have grown on /metrics.
///
/// - Requests and latency: Poisson splitting (`BucketDistribution.drawPoisson`): if an arm's request
///   count is Poisson(λ) and each request lands in bucket i with probability p_i, the bucket counts are
///   independent Poisson(λ·p_i) and the request count is their sum. A Poisson total split by the weight
///   likewise gives independent Poisson arms, so each arm is drawn on its own and its histogram *is*
///   its request count, exactly as the real counters are.
/// - Errors: Binomial(requests, error rate): latency does not depend on the outcome.
/// - Time to first token (when modelled): one per *successful* request (an error has no first token),
///   spread over the buckets by a multinomial draw, independent of the request's latency (the judges
///   see only the two histograms). `latencySum` and `ttftSum` add each request at its bucket's midpoint.
/// - Tokens (when modelled): `TokensModel.draw` over the successful requests.
/// An arm without a TTFT or tokens model draws nothing for them, so the benchmark's scenarios S1–S6
/// consume exactly the random numbers they always did.
package struct ArmSampler: Sendable {
    let latency: BucketDistribution
    let ttft: BucketDistribution?
    let tokens: TokensModel?
    /// `ArmBehaviour.customBad`: bad-event shares drawn into `ArmCounts.custom` (as bad counts).
    let customBad: [Double]

    package init(behaviour: ArmBehaviour) {
        latency = BucketDistribution(behaviour.latency)
        ttft = behaviour.ttft.map(BucketDistribution.init)
        tokens = behaviour.tokens
        customBad = behaviour.customBad
    }

    package init(latency: LatencyModel) {
        self.init(behaviour: ArmBehaviour(latency: latency))
    }

    /// Adds a tick's traffic (expected `meanRequests` requests, error rate `errorRate`) to `counts`;
    /// returns (requests, errors) of this tick.
    @discardableResult
    package func draw(meanRequests: Double, errorRate: Double, into counts: inout ArmCounts,
                     rng: inout Xoshiro256) -> (requests: UInt64, errors: UInt64) {
        guard meanRequests > 0 else { return (0, 0) }
        if counts.latency.isEmpty { counts.latency = Array(repeating: 0, count: LatencyBuckets.count) }
        var sum = 0.0
        let n = latency.drawPoisson(mean: meanRequests, into: &counts.latency, sum: &sum, rng: &rng)
        let e = rng.binomial(n, errorRate)
        counts.requests += n
        counts.errors += e
        counts.latencySum += sum
        let successes = n - e
        if let ttft, successes > 0 {
            if counts.ttft.isEmpty { counts.ttft = Array(repeating: 0, count: LatencyBuckets.count) }
            var ttftSum = 0.0
            ttft.drawExactly(successes, into: &counts.ttft, sum: &ttftSum, rng: &rng)
            counts.ttftSum += ttftSum
        }
        if let tokens { counts.tokens += tokens.draw(requests: successes, rng: &rng) }
        // Bad events of each custom guard (nothing drawn without them, so other runs keep their streams).
        if !customBad.isEmpty, counts.custom.count < customBad.count {
            counts.custom += [UInt64](repeating: 0, count: customBad.count - counts.custom.count)
        }
        for (i, p) in customBad.enumerated() { counts.custom[i] += rng.binomial(n, p) }
        return (n, e)
    }
}
