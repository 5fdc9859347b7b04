import Foundation
import Synchronization

/// The client side of glidepath: routes each request to the baseline or the candidate, sticky by a key,
/// by the weights it polls from the controller, and reports each request's outcome in batches.
///
/// Thread-safe. `route` and `record` never do I/O and never throw: a slow, failing or absent controller
/// only means the shim keeps routing by the last good weights (fail static) and keeps the outcomes
/// buffered (bounded) until it can deliver them. Call `start()` once and `stop()` when shutting down.
public final class GlidepathShim: Sendable {
    public let configuration: Configuration
    /// The arm used before any weights were seen.
    public let defaultArmName: String

    struct RouteState {
        var snapshot: WeightsSnapshot?
        /// `clockSeconds()` until which the breaker keeps everything on the baseline; nil when never opened.
        var breakerUntil: Double?
        /// Candidate errors in a row since the last candidate success or the last opening.
        var consecutiveCandidateErrors = 0
    }

    let routeState = Mutex(RouteState())
    /// Mirrored calls in flight and counts (`call(key:_:mirror:)`).
    let mirrors = Mutex(MirrorCounters())
    let outbox: Mutex<Outbox>
    let tasks = Mutex<[Task<Void, Never>]>([])
    /// SplitMix64 state for keyless requests: one relaxed atomic add, no syscall, no lock.
    let keylessState: Atomic<UInt64>
    let prefixHash: UInt64
    let epoch = ContinuousClock.now
    /// `/v1/migrations/{name}/weights` and `/observations`, appended to each controller URL.
    let weightsPath: String
    let observationsPath: String
    /// Polls and batches each stick to the controller URL that answered them last.
    let pollServers: ServerFailover
    let sendServers: ServerFailover

    /// Fails only on a configuration that cannot work (no migration, `.baseline` default without a
    /// baseline name, non-positive sizes or intervals).
    public init(configuration: Configuration) throws(ShimConfigurationError) {
        let c = configuration
        guard !c.migration.isEmpty else { throw ShimConfigurationError("migration must not be empty") }
        switch c.defaultArm {
        case .baseline:
            guard let b = c.baseline else {
                throw ShimConfigurationError("defaultArm .baseline needs the baseline arm's name (Configuration.baseline)")
            }
            defaultArmName = b
        case .named(let name):
            guard !name.isEmpty else { throw ShimConfigurationError("defaultArm must name an arm") }
            defaultArmName = name
        }
        guard c.batchLines >= 1 else { throw ShimConfigurationError("batchLines must be at least 1, got \(c.batchLines)") }
        guard c.maxBufferedLines >= 1 else {
            throw ShimConfigurationError("maxBufferedLines must be at least 1, got \(c.maxBufferedLines)")
        }
        guard c.batchInterval > 0 else { throw ShimConfigurationError("batchInterval must be positive, got \(c.batchInterval)") }
        if let t = c.breakerThreshold, t < 0 {
            throw ShimConfigurationError("breakerThreshold must not be negative (0 turns the breaker off), got \(t)")
        }
        if let d = c.breakerCooldown, !(d >= 0) || !d.isFinite {
            throw ShimConfigurationError("breakerCooldown must be a non-negative number of seconds, got \(d)")
        }
        if let p = c.pollInterval, !(p > 0) { throw ShimConfigurationError("pollInterval must be positive, got \(p)") }
        var resolved = c
        resolved.transport = try c.effectiveTransport()
        self.configuration = resolved
        outbox = Mutex(Outbox(capacity: c.maxBufferedLines))
        keylessState = Atomic(UInt64.random(in: .min ... .max))
        prefixHash = ShimBucketing.prefixHash(migration: c.migration)
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        let name = c.migration.addingPercentEncoding(withAllowedCharacters: allowed) ?? c.migration
        let bases = try ServerFailover.bases(c.servers)
        weightsPath = "/v1/migrations/" + name + "/weights"
        observationsPath = "/v1/migrations/" + name + "/observations"
        for base in bases where URL(string: base + weightsPath) == nil {
            throw ShimConfigurationError("cannot build URLs from server \(base)")
        }
        pollServers = ServerFailover(bases: bases)
        sendServers = ServerFailover(bases: bases)
    }

    /// The arm for one request. `key` makes it sticky (a tenant, a merchant); nil draws a random bucket.
    ///
    /// Before any weights were seen: the default arm. While the local breaker is open: the baseline.
    /// Applies no override rules: `route(key:attributes:)` does, and says whether the request was forced.
    public func route(key: String?) -> String {
        let (snapshot, breakerUntil) = routeState.withLock { ($0.snapshot, $0.breakerUntil) }
        guard let snapshot else { return defaultArmName }
        if let breakerUntil, clockSeconds() < breakerUntil { return snapshot.baseline }
        let bucket = key.map { ShimBucketing.bucket(prefixHash: prefixHash, key: $0) } ?? keylessBucket()
        return bucket < snapshot.candidateBasisPoints ? snapshot.candidate : snapshot.baseline
    }

    func keylessBucket() -> Int {
        let s = keylessState.wrappingAdd(0x9e37_79b9_7f4a_7c15, ordering: .relaxed).newValue
        return Int(ShimBucketing.mix64(s) % ShimBucketing.bucketCount)
    }

    /// The last accepted weights, nil before first contact.
    public var weights: WeightsSnapshot? { routeState.withLock { $0.snapshot } }

    /// True when the failed request should be retried once on the baseline (`fallbackToBaseline` is on,
    /// `arm` is the candidate — from the weights, else `Configuration.candidate` — and `status` is one
    /// of `errorStatuses`). A true answer counts one fallback (`fallbacks`, reported to the controller).
    /// Still `record` the failure against the candidate, and the retry against the baseline.
    /// `call(key:_:)` does all of this in one step.
    public func shouldRetryOnBaseline(arm: String, status: Int) -> Bool {
        guard configuration.fallbackToBaseline, arm == weights?.candidate ?? configuration.candidate, arm != baselineArm,
              errorStatuses.contains(status) else { return false }
        countFallback()
        return true
    }

    func countFallback() {
        outbox.withLock {
            $0.fallbacksTotal += 1
            $0.fallbacksUnreported += 1
        }
    }

    /// The baseline's name: from the weights, else the configuration, else the default arm.
    public var baselineArm: String { weights?.baseline ?? configuration.baseline ?? defaultArmName }

    /// The statuses that count as errors now: the last good document's `errorStatuses`, `.default`
    /// before any document (kept while the controller is away, like the weights).
    public var errorStatuses: ErrorStatuses { weights?.errorStatuses ?? .default }

    /// The breaker settings in force now (nil when `breakerThreshold` is 0): the last good document's
    /// `breaker`; when the controller sent none (or before any document), the configured
    /// `breakerThreshold` / `breakerCooldown`, else `BreakerSettings.default`.
    public var breakerSettings: BreakerSettings? { Self.breakerSettings(configuration, weights) }

    static func breakerSettings(_ c: Configuration, _ snapshot: WeightsSnapshot?) -> BreakerSettings? {
        if c.breakerThreshold == 0 { return nil }
        if let b = snapshot?.breaker { return b }
        return BreakerSettings(consecutiveErrors: c.breakerThreshold ?? BreakerSettings.default.consecutiveErrors,
                               openSeconds: c.breakerCooldown ?? BreakerSettings.default.openSeconds)
    }

    /// Whether the breaker keeps every request on the baseline right now.
    public var breakerIsOpen: Bool {
        guard let until = routeState.withLock({ $0.breakerUntil }) else { return false }
        return clockSeconds() < until
    }

    /// The protocol's default classification (`ErrorStatuses.default`): no response (0), 429 and 5xx.
    /// The shim itself uses `errorStatuses`, which follows the policy.
    public static func isError(status: Int) -> Bool { ErrorStatuses.default.contains(status) }

    /// Real monotonic seconds since the shim was made (batching and polling).
    func monotonicNow() -> Double {
        let d = epoch.duration(to: .now).components
        return Double(d.seconds) + Double(d.attoseconds) / 1e18
    }

    /// `Configuration.clock`, else the real monotonic clock, as a Duration (the breaker, `call` latencies).
    func clockNow() -> Duration { configuration.clock?() ?? epoch.duration(to: .now) }

    /// `clockNow()` in seconds.
    func clockSeconds() -> Double {
        let d = clockNow().components
        return Double(d.seconds) + Double(d.attoseconds) / 1e18
    }

    func emit(_ event: ShimEvent) { configuration.onEvent?(event) }

    /// Starts polling the weights and sending batches. Calling it twice does nothing more.
    public func start() {
        tasks.withLock { tasks in
            guard tasks.isEmpty else { return }
            tasks.append(Task.detached { [self] in await pollLoop() })
            tasks.append(Task.detached { [self] in await sendLoop() })
        }
    }

    /// Stops the background tasks, then tries once to deliver every buffered line.
    public func stop() async {
        let running = tasks.withLock { t in
            let r = t
            t = []
            return r
        }
        for t in running { t.cancel() }
        for t in running { await t.value }
        _ = await flush()
    }
}
