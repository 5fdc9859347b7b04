import Foundation

extension GlidepathShim {
    /// Everything the shim needs; only `server` and `migration` have no default.
    public struct Configuration: Sendable {
        /// The controller, e.g. `http://127.0.0.1:8470`: the first of `servers`.
        public var server: URL {
            get { servers.first ?? URL(fileURLWithPath: "/") }
            set { if servers.isEmpty { servers = [newValue] } else { servers[0] = newValue } }
        }
        /// The controllers in failover order: a primary, then its standbys (1 to 8). A connection error,
        /// a timeout or a 5xx moves to the next; the shim sticks to the one that answered and tries the
        /// first again every 30 s. `init(server:...)` sets it to `[server]`.
        public var servers: [URL]
        public var migration: String
        /// Sent as `Authorization: Bearer` on batches when the controller requires it.
        public var ingestToken: String?
        /// The arm names this application knows. When set, weights naming other arms are refused.
        public var baseline: String?
        public var candidate: String?
        /// Where requests go before any weights were seen. `.baseline` needs `baseline`.
        public var defaultArm: DefaultArm
        /// Sent as `Glidepath-Shim` so the controller can count which revision each instance has.
        public var shimID: String
        /// Whether `shouldRetryOnBaseline` says yes for candidate errors (`call(key:_:)` always falls back).
        public var fallbackToBaseline: Bool
        /// Consecutive candidate errors that open the local breaker. nil (the default) follows the
        /// controller's `breaker` (5 when it sends none); a number is used when the controller sends
        /// none (an older controller); 0 turns the breaker off whatever the controller says.
        public var breakerThreshold: Int?
        /// Seconds the breaker keeps every request on the baseline. nil follows the controller's
        /// `breaker` (30 when it sends none); a number is used when the controller sends none.
        public var breakerCooldown: Double?
        /// Buffered lines kept while the controller is away; more are dropped and counted.
        public var maxBufferedLines: Int
        /// A batch is sent when this many lines are waiting ...
        public var batchLines: Int
        /// ... or this many seconds after the last send, whichever comes first.
        public var batchInterval: Double
        /// Overrides the controller's `pollAfterSeconds` (tests, demos); jitter still applies.
        public var pollInterval: Double?
        /// Called from the shim's background tasks (and from `record` for breaker and bad lines): keep it quick.
        public var onEvent: (@Sendable (ShimEvent) -> Void)?
        /// How HTTP is sent; tests pass an in-memory controller.
        public var transport: any ShimTransport
        /// The monotonic clock the breaker and `call(key:_:)`'s latencies read: time since any fixed
        /// origin, never going back. nil reads `ContinuousClock`; tests pass a manual clock. Batching
        /// and polling always run on real time.
        public var clock: (@Sendable () -> Duration)?
        /// A PEM file of the CA(s) that signed the TLS front's certificate (README "Across the network"):
        /// an `https://` server is verified against exactly these instead of the system's store. Needs an
        /// https server. On Linux URLSession cannot take a CA file, so with the default transport the shim
        /// sends through `CAFileTransport` (OpenSSL) instead; a transport you pass yourself is kept.
        public var caFile: URL?

        public init(server: URL, migration: String, ingestToken: String? = nil, baseline: String? = nil,
                    candidate: String? = nil, defaultArm: DefaultArm = .baseline,
                    shimID: String = "swift-" + UUID().uuidString.prefix(8).lowercased(),
                    fallbackToBaseline: Bool = false, breakerThreshold: Int? = nil, breakerCooldown: Double? = nil,
                    maxBufferedLines: Int = 10_000, batchLines: Int = 500, batchInterval: Double = 1,
                    pollInterval: Double? = nil, onEvent: (@Sendable (ShimEvent) -> Void)? = nil,
                    transport: any ShimTransport = URLSessionTransport(), clock: (@Sendable () -> Duration)? = nil,
                    caFile: URL? = nil) {
            self.servers = [server]
            self.migration = migration
            self.ingestToken = ingestToken
            self.baseline = baseline
            self.candidate = candidate
            self.defaultArm = defaultArm
            self.shimID = shimID
            self.fallbackToBaseline = fallbackToBaseline
            self.breakerThreshold = breakerThreshold
            self.breakerCooldown = breakerCooldown
            self.maxBufferedLines = maxBufferedLines
            self.batchLines = batchLines
            self.batchInterval = batchInterval
            self.pollInterval = pollInterval
            self.onEvent = onEvent
            self.transport = transport
            self.clock = clock
            self.caFile = caFile
        }

        /// The transport the shim sends with: `transport`, or for `caFile` with the default URLSession
        /// transport a `CAFileTransport` on that file (same timeout). Throws for `caFile` with a plain
        /// http:// server (the ingest token would cross in plaintext) or a file that cannot be loaded.
        public func effectiveTransport() throws(ShimConfigurationError) -> any ShimTransport {
            guard let caFile else { return transport }
            if let plain = servers.first(where: { $0.scheme?.lowercased() != "https" }) {
                throw ShimConfigurationError("caFile is set but server \(plain.absoluteString) is not https://: the ingest "
                    + "token would cross in plaintext; use the TLS front's https:// URL")
            }
            guard let session = transport as? URLSessionTransport else { return transport }
            return try CAFileTransport(caFile: caFile, timeout: session.timeout)
        }
    }
}

/// A configuration the shim cannot run with.
public struct ShimConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
