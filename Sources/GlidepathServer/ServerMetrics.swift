import GlidepathCore
import PromText

/// Every metric family the controller exports (names and labels fixed by the wire protocol).
package final class ServerMetrics: Sendable {
    package static let version = "0.1.0"

    package let registry: MetricRegistry
    package let requests: CounterFamily
    package let requestDuration: HistogramFamily
    package let tokens: CounterFamily
    package let ttft: HistogramFamily
    package let cost: CounterFamily
    package let weightPercent: GaugeFamily
    package let step: GaugeFamily
    package let revision: GaugeFamily
    package let migrationState: GaugeFamily
    package let decisions: CounterFamily
    package let guardEvidence: GaugeFamily
    package let observationsRejected: CounterFamily
    package let httpRequests: CounterFamily
    package let controlLoopDuration: HistogramFamily
    package let controlLoopBusyRound: HistogramFamily
    package let buildInfo: GaugeFamily
    package let stepStuck: GaugeFamily
    package let noData: GaugeFamily
    package let lastTick: GaugeFamily
    package let sourceErrors: CounterFamily
    package let metricsSourceUp: GaugeFamily
    package let shims: GaugeFamily
    package let storeUp: GaugeFamily
    package let storeErrors: CounterFamily
    package let storePending: GaugeFamily
    package let broken: GaugeFamily
    package let shimBreakerTrips: CounterFamily
    package let fallbacks: CounterFamily
    package let armInfo: GaugeFamily
    package let forcedRequests: CounterFamily
    package let mirrored: CounterFamily

    /// The latency and TTFT buckets exported (`serve --latency-buckets`).
    package let latencyResolution: LatencyBuckets.Resolution
    /// Fine bucket → exported bucket (nil at the fine resolution: nothing to fold).
    private let latencyFold: [Int]?
    private let latencyBucketCount: Int

    /// `registry` should index by `migration` (the default does) so the control loop's partial reads
    /// (`SelfMetricsSource`) cost what the due migrations hold. `latency` picks the exported buckets.
    package init(registry: MetricRegistry = MetricRegistry(indexedLabel: "migration"),
                 latency: LatencyBuckets.Resolution = .fine) {
        self.registry = registry
        latencyResolution = latency
        latencyFold = latency == .fine ? nil : LatencyBuckets.fold(into: latency.bounds)
        latencyBucketCount = latency.bounds.count + 1
        requests = registry.counter("glidepath_requests_total",
            help: "Observed requests per migration, arm, outcome class and status code group.",
            labels: ["migration", "arm", "class", "code"])
        requestDuration = registry.histogram("glidepath_request_duration_seconds",
            help: "Observed request latency in seconds.", labels: ["migration", "arm"], buckets: latency.bounds)
        tokens = registry.counter("glidepath_tokens_total",
            help: "Tokens reported by observed requests.", labels: ["migration", "arm"])
        ttft = registry.histogram("glidepath_ttft_seconds", help: "Observed time to first token in seconds.",
            labels: ["migration", "arm"], buckets: latency.bounds)
        cost = registry.counter("glidepath_cost_total",
            help: "Cost of observed requests at the policy's prices (currency units).", labels: ["migration", "arm"])
        weightPercent = registry.gauge("glidepath_weight_percent",
            help: "Current traffic weight of each arm in percent.", labels: ["migration", "arm"])
        step = registry.gauge("glidepath_step", help: "Current step (0-based index).", labels: ["migration"])
        revision = registry.gauge("glidepath_revision", help: "Current revision of the migration.", labels: ["migration"])
        migrationState = registry.gauge("glidepath_migration_state",
            help: "1 for the migration's current state, 0 for the others.", labels: ["migration", "state"])
        decisions = registry.counter("glidepath_decisions_total",
            help: "Decisions taken per migration and action.", labels: ["migration", "action"])
        guardEvidence = registry.gauge("glidepath_guard_evidence",
            help: "What the judge last computed per guard.", labels: ["migration", "guard", "test"])
        observationsRejected = registry.counter("glidepath_observations_rejected_total",
            help: "Refused ingest batches by reason.", labels: ["reason"])
        httpRequests = registry.counter("glidepath_http_requests_total",
            help: "HTTP requests served per route template and status code.", labels: ["route", "code"])
        controlLoopDuration = registry.histogram("glidepath_control_loop_duration_seconds",
            help: "Duration of control-loop rounds in seconds.", labels: [],
            buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
        controlLoopBusyRound = registry.histogram("glidepath_control_loop_busy_round_seconds",
            help: "Duration of control-loop rounds that read metrics (a migration was due or sampled) in seconds.",
            labels: [], buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075,
                                  0.1, 0.25, 0.5, 1, 2.5, 5, 10])
        buildInfo = registry.gauge("glidepath_build_info", help: "Build information.", labels: ["version"])
        stepStuck = registry.gauge("glidepath_step_stuck",
            help: "1 when the current step is held longer than the policy's maxHold.", labels: ["migration"])
        noData = registry.gauge("glidepath_no_data",
            help: "1 while the candidate has had no request for the policy's noDataAfter in a live step.",
            labels: ["migration"])
        lastTick = registry.gauge("glidepath_last_tick_timestamp_seconds",
            help: "Unix time of the last completed control-loop round.", labels: [])
        sourceErrors = registry.counter("glidepath_metrics_source_errors_total",
            help: "Control-loop rounds skipped because the metrics source failed.", labels: [])
        metricsSourceUp = registry.gauge("glidepath_metrics_source_up",
            help: "1 when the migration's external metrics source (scrape or prometheus) answered its last read, 0 when "
                + "it failed (the step holds).", labels: ["migration"])
        shims = registry.gauge("glidepath_shims",
            help: "Shims (by Glidepath-Shim id) whose last poll saw each revision.", labels: ["migration", "revision"])
        storeUp = registry.gauge("glidepath_store_up",
            help: "1 while the store takes writes, 0 while they fail.", labels: [])
        storeErrors = registry.counter("glidepath_store_errors_total",
            help: "Failed store calls by operation.", labels: ["op"])
        storePending = registry.gauge("glidepath_store_pending_decisions",
            help: "Rollbacks and pauses served but not yet written (the store was failing).", labels: [])
        broken = registry.gauge("glidepath_migration_broken",
            help: "1 for a stored migration this build cannot decode (quarantined; apply a valid policy to repair).",
            labels: ["migration"])
        armInfo = registry.gauge("glidepath_arm_info",
            help: "1 for each arm of a migration, labelled with its role (baseline or candidate), to join on in PromQL.",
            labels: ["migration", "arm", "role"])
        shimBreakerTrips = registry.counter("glidepath_shim_breaker_trips_total",
            help: "Breaker openings shims reported (Glidepath-Breaker-Trips on accepted batches).", labels: ["migration"])
        fallbacks = registry.counter("glidepath_fallbacks_total",
            help: "Failed candidate calls shims answered from the baseline (Glidepath-Fallbacks).", labels: ["migration"])
        forcedRequests = registry.counter("glidepath_forced_requests_total",
            help: "Requests an override rule forced to an arm (forced=1): never part of the judge's evidence.",
            labels: ["migration", "arm"])
        mirrored = registry.counter("glidepath_mirrored_requests_total",
            help: "Shadow copies shims sent to the candidate (mirror=1 lines), also counted as its requests.",
            labels: ["migration"])
        buildInfo.set(1, labels: [ServerMetrics.version])
        storePending.set(0, labels: [])
        sourceErrors.add(0, labels: [])
        // Every known reason exists from the start, so `rate()` works before the first rejection.
        for reason in Self.rejectionReasons { observationsRejected.add(0, labels: [reason]) }
    }

    /// `glidepath_observations_rejected_total{reason}`: the parser's reasons plus the endpoint's own.
    package static let rejectionReasons = ["unknown_arm", "bad_status", "bad_latency", "bad_field", "malformed", "empty",
                                          "too_large", "unknown_migration", "content_type", "content_encoding", "bad_header"]

    /// Creates a migration's per-arm series at zero, so rates exist from the first scrape: the (class, code)
    /// pairs the policy's classifier can produce, both histograms, tokens, and cost for priced arms (an arm
    /// no longer priced loses its cost series). Every decision action starts at zero too, so
    /// `increase(glidepath_decisions_total{action="rollback"}[1d])` counts a migration's first rollback.
    package func precreate(migration: String, policy: Policy) {
        for shimReport in [shimBreakerTrips, fallbacks, mirrored] { shimReport.add(0, labels: [migration]) }
        for action in Decision.Action.allCases { decisions.add(0, labels: [migration, action.rawValue]) }
        let zeros = [UInt64](repeating: 0, count: latencyBucketCount)
        let pairs = policy.guards.classifier.producedPairs
        for arm in [policy.baseline, policy.candidate] {
            for (cls, code) in pairs { requests.add(0, labels: [migration, arm, cls.rawValue, code.rawValue]) }
            requestDuration.add(bucketCounts: zeros, sum: 0, labels: [migration, arm])
            ttft.add(bucketCounts: zeros, sum: 0, labels: [migration, arm])
            tokens.add(0, labels: [migration, arm])
            forcedRequests.add(0, labels: [migration, arm])
            if policy.cost[arm] != nil { cost.add(0, labels: [migration, arm]) } else { cost.remove(labels: [migration, arm]) }
        }
    }

    /// Removes a migration's per-arm request series for arms it no longer has (after a rename), so a name
    /// that comes back later starts from zero instead of from its old counts.
    package func removeArm(migration: String, arm: String) {
        for cls in OutcomeClass.allCases {
            for code in StatusCode.allCases { requests.remove(labels: [migration, arm, cls.rawValue, code.rawValue]) }
        }
        requestDuration.remove(labels: [migration, arm])
        ttft.remove(labels: [migration, arm])
        tokens.remove(labels: [migration, arm])
        forcedRequests.remove(labels: [migration, arm])
        cost.remove(labels: [migration, arm])
        weightPercent.remove(labels: [migration, arm])
        for role in Arm.allCases { armInfo.remove(labels: [migration, arm, Self.role(role)]) }
    }

    /// `baseline` / `candidate`: the `role` label of `glidepath_arm_info`.
    static func role(_ arm: Arm) -> String { arm == .baseline ? "baseline" : "candidate" }

    /// Adds an accepted ingest batch; cost at the served migration's prices (every request counts). Forced
    /// lines only count in `glidepath_forced_requests_total`.
    package func merge(_ batch: ObservationBatch, migration: String, served: ServedMigration) {
        if batch.mirrored > 0 { mirrored.add(Double(batch.mirrored), labels: [migration]) }
        for arm in Arm.allCases {
            let name = arm == .baseline ? served.baseline : served.candidate
            if batch.forced[arm.rawValue] > 0 { forcedRequests.add(Double(batch.forced[arm.rawValue]), labels: [migration, name]) }
            let c = batch.arms[arm]
            guard c.requests > 0 else { continue }
            for cls in OutcomeClass.allCases {
                for code in StatusCode.allCases {
                    let n = batch.codes[arm, cls, code]
                    if n > 0 { requests.add(Double(n), labels: [migration, name, cls.rawValue, code.rawValue]) }
                }
            }
            if c.latency.count == LatencyBuckets.count {
                requestDuration.add(bucketCounts: exported(c.latency), sum: c.latencySum, labels: [migration, name])
            }
            if c.ttft.count == LatencyBuckets.count {
                ttft.add(bucketCounts: exported(c.ttft), sum: c.ttftSum, labels: [migration, name])
            }
            if c.tokens > 0 { tokens.add(Double(c.tokens), labels: [migration, name]) }
            if let price = served.prices[arm.rawValue] {
                cost.add(price.cost(tokens: c.tokens, requests: c.requests), labels: [migration, name])
            }
        }
    }

    /// Fine (`LatencyBuckets`) counts in the exported buckets.
    private func exported(_ counts: [UInt64]) -> [UInt64] {
        guard let latencyFold else { return counts }
        return LatencyBuckets.folded(counts, map: latencyFold, buckets: latencyBucketCount)
    }

    /// Publishes a migration's state gauges.
    package func publish(status: MigrationStatus, policy: Policy) {
        let m = status.migration
        let w = status.candidateWeight(policy)
        weightPercent.set(w.complement.percent, labels: [m, policy.baseline])
        weightPercent.set(w.percent, labels: [m, policy.candidate])
        for arm in Arm.allCases {  // an arm that changed roles keeps one series
            armInfo.set(1, labels: [m, policy.name(of: arm), Self.role(arm)])
            armInfo.remove(labels: [m, policy.name(of: arm), Self.role(arm == .baseline ? .candidate : .baseline)])
        }
        step.set(Double(status.step), labels: [m])
        revision.set(Double(status.revision), labels: [m])
        for phase in Phase.allCases {
            migrationState.set(phase == status.phase ? 1 : 0, labels: [m, phase.rawValue])
        }
    }
}
