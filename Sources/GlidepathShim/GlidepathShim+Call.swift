extension GlidepathShim {
    /// What the function given to `call(key:_:)` returns for one call on one arm.
    public struct ArmResult<Value> {
        /// The HTTP status the provider answered; 0 when there was no response at all.
        public var status: Int
        /// Whatever the application needs back (a decoded response, the raw body, ...).
        public var value: Value
        /// Tokens used, when known (recorded as `tokens=`).
        public var tokens: Int?
        /// Time to first token of a streamed response, when known (recorded as `ttft_ms=`).
        public var ttft: Duration?

        public init(status: Int, value: Value, tokens: Int? = nil, ttft: Duration? = nil) {
            self.status = status
            self.value = value
            self.tokens = tokens
            self.ttft = ttft
        }
    }

    /// What `call(key:_:)` returns: the answer the application should use.
    public struct CallResult<Value> {
        /// The arm that gave this answer: the routed arm, or the baseline after a fallback.
        public var arm: String
        /// That arm's result.
        public var result: ArmResult<Value>
        /// The candidate's status when it failed and the baseline answered instead; nil otherwise.
        public var candidateStatus: Int?

        /// Whether the candidate failed and this is the baseline's answer.
        public var fellBack: Bool { candidateStatus != nil }
        public var status: Int { result.status }
        public var value: Value { result.value }
    }

    /// Routes one request by `key`, calls the chosen arm through `body`, records the outcome, and falls
    /// back to the baseline when the candidate fails.
    ///
    /// `body` gets the arm's name and returns its `ArmResult`. The latency recorded is the time `body`
    /// took (on `Configuration.clock`). When the arm was the candidate and its status is one of
    /// `errorStatuses` (the policy's, from the weights document), or `body` threw (recorded as status 0),
    /// the baseline is called through `body` too and recorded, one fallback is counted (reported to
    /// the controller with the next batch, and in `fallbacks`), and the baseline's answer is returned.
    /// A throw from the baseline's call is passed on (after recording status 0). `body` runs in the
    /// caller's isolation, so it may capture non-Sendable state.
    ///
    /// ```swift
    /// let answer = try await shim.call(key: tenant) { arm in
    ///     let (status, data) = try await provider(arm).complete(body)
    ///     return .init(status: status, value: data)
    /// }
    /// ```
    ///
    /// Override rules matching `key` apply (`route(key:attributes:)` with no attributes).
    public func call<Value, Failure: Error>(
        key: String?, isolation: isolated (any Actor)? = #isolation,
        _ body: (_ arm: String) async throws(Failure) -> ArmResult<Value>
    ) async throws(Failure) -> CallResult<Value> {
        try await serve(route: route(key: key, attributes: [:]), isolation: isolation, body)
    }

    /// `call` once the arm is chosen: call it, record (`forced=1` when forced), fall back to the baseline
    /// when the candidate failed.
    func serve<Value, Failure: Error>(
        route: Route, isolation: isolated (any Actor)?,
        _ body: (_ arm: String) async throws(Failure) -> ArmResult<Value>
    ) async throws(Failure) -> CallResult<Value> {
        let arm = route.arm
        let forced = route.forced
        let snapshot = weights
        let candidate = snapshot?.candidate ?? configuration.candidate
        let baseline = baselineArm
        let first = await attempt(arm: arm, forced: forced, isolation: isolation, body)
        let firstStatus: Int
        switch first {
        case .success(let r): firstStatus = r.status
        case .failure: firstStatus = 0
        }
        let statuses = snapshot?.errorStatuses ?? .default
        guard arm == candidate, arm != baseline, statuses.contains(firstStatus) else {
            return CallResult(arm: arm, result: try first.get(), candidateStatus: nil)
        }
        countFallback()
        let second = await attempt(arm: baseline, forced: forced, isolation: isolation, body)
        return CallResult(arm: baseline, result: try second.get(), candidateStatus: firstStatus)
    }

    /// One timed call on `arm`, recorded (status 0 when `body` threw; `forced=1` when forced).
    private func attempt<Value, Failure: Error>(
        arm: String, forced: Bool, isolation: isolated (any Actor)?, _ body: (_ arm: String) async throws(Failure) -> ArmResult<Value>
    ) async -> Result<ArmResult<Value>, Failure> {
        let started = clockNow()
        let outcome: Result<ArmResult<Value>, Failure>
        do throws(Failure) {
            outcome = .success(try await body(arm))
        } catch {
            outcome = .failure(error)
        }
        let latency = clockNow() - started
        switch outcome {
        case .success(let r): record(arm: arm, status: r.status, latency: latency, tokens: r.tokens, ttft: r.ttft, forced: forced)
        case .failure: record(arm: arm, status: 0, latency: latency, forced: forced)
        }
        return outcome
    }
}

extension GlidepathShim.ArmResult: Sendable where Value: Sendable {}
extension GlidepathShim.ArmResult: Equatable where Value: Equatable {}
extension GlidepathShim.CallResult: Sendable where Value: Sendable {}
extension GlidepathShim.CallResult: Equatable where Value: Equatable {}
