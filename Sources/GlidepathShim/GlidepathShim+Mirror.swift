extension GlidepathShim {
    /// Shadow copies running at once, per shim; a copy that would exceed it is dropped and counted
    /// (`droppedMirrors`), never queued: the user's request is never delayed by mirroring.
    public static let maxMirrorsInFlight = 4

    /// The arm for a request in `bucket` (`route(key:)` with the bucket already drawn).
    func route(bucket: Int) -> String {
        let (snapshot, breakerUntil) = routeState.withLock { ($0.snapshot, $0.breakerUntil) }
        guard let snapshot else { return defaultArmName }
        if let breakerUntil, clockSeconds() < breakerUntil { return snapshot.baseline }
        return bucket < snapshot.candidateBasisPoints ? snapshot.candidate : snapshot.baseline
    }

    /// Whether a request in `bucket` served by `arm` is also sent to the candidate: the baseline served it
    /// and the bucket is below the document's `mirror` (protocol: `bucket < round(mirror × 100)`).
    public static func mirrors(bucket: Int, servedBy arm: String, snapshot: WeightsSnapshot?) -> Bool {
        guard let snapshot, arm == snapshot.baseline, arm != snapshot.candidate else { return false }
        return bucket < snapshot.mirrorBasisPoints
    }

    /// `call(key:_:)` (or `call(key:attributes:_:)`), and on a shadow step a background copy to the candidate
    /// through `mirror`.
    ///
    /// When the request is served by the baseline and its bucket is below the weights document's `mirror`,
    /// `mirror` is started (before `body`, on its own task) with the candidate's name; its answer is
    /// discarded and its outcome recorded as a `mirror=1` line (a throw is status 0). At most
    /// `maxMirrorsInFlight` copies run at once: a copy beyond that is dropped and counted in
    /// `droppedMirrors`. The user's answer is exactly what `call(key:attributes:_:)` returns.
    ///
    /// Override rules apply first (`route(key:attributes:)`): a request a rule forces is never mirrored
    /// (forced traffic is not a random sample: a request forced to the baseline is not evidence, one forced
    /// to the candidate is already served by it).
    ///
    /// ```swift
    /// let answer = try await shim.call(key: tenant, { arm in try await provider(arm).complete(body) },
    ///                                  mirror: { arm in try await provider(arm).complete(body) })
    /// ```
    public func call<Value, Failure: Error, Mirrored>(
        key: String?, attributes: [String: String] = [:], isolation: isolated (any Actor)? = #isolation,
        _ body: (_ arm: String) async throws(Failure) -> ArmResult<Value>,
        mirror: @escaping @Sendable (_ candidate: String) async throws -> ArmResult<Mirrored>
    ) async throws(Failure) -> CallResult<Value> {
        if let forced = forcedRoute(key: key, attributes: attributes) {
            return try await serve(route: forced, isolation: isolation, body)
        }
        let bucket = key.map { ShimBucketing.bucket(prefixHash: prefixHash, key: $0) } ?? keylessBucket()
        let arm = route(bucket: bucket)
        if let snapshot = weights, Self.mirrors(bucket: bucket, servedBy: arm, snapshot: snapshot) {
            startMirror(candidate: snapshot.candidate, mirror)
        }
        return try await serve(route: Route(arm: arm, forced: false), isolation: isolation, body)
    }

    /// Starts one shadow copy unless `maxMirrorsInFlight` already run; false when dropped.
    @discardableResult
    func startMirror<Mirrored>(candidate: String,
                               _ mirror: @escaping @Sendable (String) async throws -> ArmResult<Mirrored>) -> Bool {
        let admitted: Bool = mirrors.withLock { m in
            guard m.inFlight < Self.maxMirrorsInFlight else {
                m.dropped += 1
                return false
            }
            m.inFlight += 1
            m.started += 1
            return true
        }
        guard admitted else { return false }
        Task.detached { [self] in
            let started = clockNow()
            var outcome: (status: Int, tokens: Int?, ttft: Duration?) = (0, nil, nil)
            if let r = try? await mirror(candidate) { outcome = (r.status, r.tokens, r.ttft) }
            record(arm: candidate, status: outcome.status, latency: clockNow() - started, tokens: outcome.tokens,
                   ttft: outcome.ttft, mirror: true)
            mirrors.withLock { $0.inFlight -= 1 }
        }
        return true
    }

    /// Shadow copies started since start.
    public var mirroredCalls: Int { mirrors.withLock { $0.started } }

    /// Shadow copies dropped because `maxMirrorsInFlight` were already running, since start.
    public var droppedMirrors: Int { mirrors.withLock { $0.dropped } }

    /// Shadow copies running now.
    public var mirrorsInFlight: Int { mirrors.withLock { $0.inFlight } }
}
