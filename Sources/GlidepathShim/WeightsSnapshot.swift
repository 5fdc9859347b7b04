/// One accepted weights document, immutable: `route` reads a reference to it and nothing else.
public final class WeightsSnapshot: Sendable {
    public let revision: Int
    public let baseline: String
    public let candidate: String
    /// `round(candidateWeight × 100)`, 0...10000.
    public let candidateBasisPoints: Int
    public let state: String
    public let pollAfterSeconds: Double
    /// The ETag to send as `If-None-Match`.
    public let etag: String?
    /// The policy's error statuses (`errorStatuses`); `.default` when the controller did not send them.
    public let errorStatuses: GlidepathShim.ErrorStatuses
    /// The policy's breaker settings (`breaker`); nil when the controller did not send them (an older
    /// controller), in which case the shim uses its configured settings or `.default`.
    public let breaker: GlidepathShim.BreakerSettings?
    /// The policy's override rules (`overrides`), in order; empty when the document has none.
    public let overrides: [GlidepathShim.OverrideRule]
    /// `round(mirror × 100)`, 0...10000: a request the baseline serves is also sent to the candidate in the
    /// background when its bucket is below this (the document's `mirror`; 0 when absent).
    public let mirrorBasisPoints: Int

    public init(revision: Int, baseline: String, candidate: String, candidateBasisPoints: Int, state: String,
                pollAfterSeconds: Double, etag: String?, errorStatuses: GlidepathShim.ErrorStatuses = .default,
                breaker: GlidepathShim.BreakerSettings? = nil, mirrorBasisPoints: Int = 0,
                overrides: [GlidepathShim.OverrideRule] = []) {
        self.revision = revision
        self.baseline = baseline
        self.candidate = candidate
        self.candidateBasisPoints = candidateBasisPoints
        self.state = state
        self.pollAfterSeconds = pollAfterSeconds
        self.etag = etag
        self.errorStatuses = errorStatuses
        self.breaker = breaker
        self.overrides = overrides
        self.mirrorBasisPoints = mirrorBasisPoints
    }
}
