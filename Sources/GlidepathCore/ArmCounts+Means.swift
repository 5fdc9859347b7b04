/// Per-request means of one arm, as the tokens and cost guards and the status see them.
extension ArmCounts {
    /// Judged requests that were not errors: the requests whose tokens count (`guards.tokens`).
    package var successes: UInt64 {
        let judged = judgedRequests
        return judged - min(errors, judged)
    }

    /// Tokens per successful request; nil without a successful request.
    package var tokensPerSuccess: Double? {
        let n = successes
        return n == 0 ? nil : Double(tokens) / Double(n)
    }

    /// What the judged requests cost at `price` (`perRequest` per judged request plus the tokens at
    /// `per1kTokens`; client errors count against nobody, and report no tokens in practice).
    package func cost(at price: ArmCost) -> Double {
        price.cost(tokens: tokens, requests: judgedRequests)
    }

    /// Cost per judged request at `price`; nil without a judged request.
    package func costPerRequest(at price: ArmCost) -> Double? {
        let n = judgedRequests
        return n == 0 ? nil : cost(at: price) / Double(n)
    }
}
