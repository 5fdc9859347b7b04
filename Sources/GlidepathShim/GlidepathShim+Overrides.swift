extension GlidepathShim {
    /// The arm for one request, applying the policy's override rules (`overrides`) before the bucket.
    ///
    /// `attributes` is what the application knows about the request: `"header:<name>"` (names compared
    /// case-insensitively), `"cookie:<name>"` and `"segment"`, each with its value. The first matching rule
    /// wins and the answer is `forced`: record it with `forced: true` (`call` does) so it stays out of the
    /// judge's evidence. While the migration is rolled back or paused, or the local breaker is open, a rule
    /// forcing the candidate is skipped unless it says `evenWhenRolledBack`; rules forcing the baseline always
    /// apply. Without a matching rule the bucket decides, as `route(key:)` does (which applies no rules).
    public func route(key: String?, attributes: [String: String]) -> Route {
        forcedRoute(key: key, attributes: attributes) ?? Route(arm: route(key: key), forced: false)
    }

    /// The arm the first applicable matching override rule forces; nil when no rule decides (the bucket does).
    func forcedRoute(key: String?, attributes: [String: String]) -> Route? {
        let (snapshot, breakerUntil) = routeState.withLock { ($0.snapshot, $0.breakerUntil) }
        guard let snapshot, !snapshot.overrides.isEmpty else { return nil }
        let breakerOpen = breakerUntil.map { clockSeconds() < $0 } ?? false
        let held = breakerOpen || snapshot.state == "rolled_back" || snapshot.state == "paused"
        for rule in snapshot.overrides where !(held && rule.arm == .candidate && !rule.evenWhenRolledBack) {
            if rule.matches(key: key, attributes: attributes) {
                return Route(arm: rule.arm == .candidate ? snapshot.candidate : snapshot.baseline, forced: true)
            }
        }
        return nil
    }

    /// `call(key:_:)` with the request's attributes: routes by `route(key:attributes:)` and records a forced
    /// request (and its fallback, if any) with `forced=1`.
    public func call<Value, Failure: Error>(
        key: String?, attributes: [String: String], isolation: isolated (any Actor)? = #isolation,
        _ body: (_ arm: String) async throws(Failure) -> ArmResult<Value>
    ) async throws(Failure) -> CallResult<Value> {
        try await serve(route: route(key: key, attributes: attributes), isolation: isolation, body)
    }
}
