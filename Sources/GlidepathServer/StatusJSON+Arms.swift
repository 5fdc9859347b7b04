import GlidepathCore

extension StatusJSON {
    /// One arm's counts over the current step (`stepCounts.<arm>` of `GET /v1/migrations/{name}`):
    /// `requests`, `errors`, `clientErrors`, then what the TTFT, tokens and cost guards compare:
    /// - `ttft`: `{"quantile": q, "seconds": s}`, the arm's time to first token at `guards.ttft.quantile`
    ///   (0.99 without the guard); null when the arm reported no TTFT in the step.
    /// - `tokens`, and `tokensPerSuccessfulRequest` (null without a successful request).
    /// - `cost` and `costPerRequest` (per judged request, as the judges compare it), in the policy's
    ///   currency units; null when the policy's `cost` does not price the arm (or nothing was judged).
    /// - `custom`: only when the policy has `guards.custom` (see `custom(_:_:)`).
    static func counts(_ c: ArmCounts, arm: Arm, policy p: Policy) -> JSON {
        let q = p.guards.ttft?.quantile ?? TTFTGuard().quantile
        let ttft: JSON = LatencyBuckets.quantile(q, counts: c.ttft).map {
            .object([("quantile", .number(q)), ("seconds", .number($0))])
        } ?? .null
        let price = p.price(of: arm)
        return .object([
            ("requests", .int(Int64(clamping: c.requests))), ("errors", .int(Int64(clamping: c.errors))),
            ("clientErrors", .int(Int64(clamping: c.clientErrors))),
            ("ttft", ttft),
            ("tokens", .int(Int64(clamping: c.tokens))),
            ("tokensPerSuccessfulRequest", c.tokensPerSuccess.map(JSON.number) ?? .null),
            ("cost", price.map { .number(c.cost(at: $0)) } ?? .null),
            ("costPerRequest", price.flatMap { c.costPerRequest(at: $0) }.map(JSON.number) ?? .null),
        ] + (p.guards.custom.isEmpty ? [] : [("custom", custom(c, p.guards.custom))]))
    }

    /// `custom` (only with `guards.custom`): per guard name `{"kind": "bad", "count": n, "badShare": x}`, the
    /// counter's increase over the step as the source gave it and the share of bad requests the judges
    /// compare; null for a guard whose counter the source has not given in the step.
    static func custom(_ c: ArmCounts, _ guards: [CustomGuard]) -> JSON {
        .object(guards.enumerated().map { i, g in
            guard i < c.custom.count else { return (g.name, .null) }
            return (g.name, .object([("kind", .string(g.kind.rawValue)), ("count", .int(Int64(clamping: c.custom[i]))),
                                     ("badShare", g.badShare(in: c, index: i).map(JSON.number) ?? .null)]))
        })
    }
}
