/// How one arm behaves while it is in a given state: what share of its requests fail, how long they take,
/// and (when modelled) their time to first token and tokens.
///
/// `ttft` and `tokens` are nil (and `customBad` empty) unless a scenario models them; then nothing is drawn for them and the
/// arm's `ArmCounts.ttft` stays empty and `tokens` 0, as for a service whose shims report neither.
package struct ArmBehaviour: Hashable, Sendable {
    /// Share of judged requests classified `error` (0...1).
    package var errorRate: Double
    package var latency: LatencyModel
    /// Time to first token of each successful request (an error has no first token).
    package var ttft: LatencyModel?
    /// Tokens of each successful request.
    package var tokens: TokensModel?
    /// Per `guards.custom` entry, in the policy's order: the share of requests that are bad events (a JSON
    /// parse failure, a thumbs-down). Empty: no custom counter is reported, as for a source without one.
    package var customBad: [Double] = []

    package init(errorRate: Double = 0.01, latency: LatencyModel = .standard, ttft: LatencyModel? = nil,
                tokens: TokensModel? = nil) {
        self.errorRate = errorRate
        self.latency = latency
        self.ttft = ttft
        self.tokens = tokens
    }

    /// The benchmark's baseline: 1 % errors, latency lognormal median 100 ms σ 0.5, no TTFT or tokens.
    package static let standard = ArmBehaviour()
}
