import GlidepathCore
import PromText

/// What a standby exports on `/metrics`: how following goes, plus the protocol's per-migration gauges for
/// what it serves (so dashboards pointed at it keep their weight panels).
package final class StandbyMetrics: Sendable {
    package let registry: MetricRegistry
    /// 1 while the last round of following succeeded, 0 while the primary is unreachable or answers badly.
    package let following: GaugeFamily
    /// Unix time (seconds) of the last successful round.
    package let lastFollow: GaugeFamily
    package let followErrors: CounterFamily
    package let followed: GaugeFamily
    package let weightPercent: GaugeFamily
    package let step: GaugeFamily
    package let revision: GaugeFamily
    package let httpRequests: CounterFamily
    package let buildInfo: GaugeFamily

    package init(primary: String, registry: MetricRegistry = MetricRegistry()) {
        self.registry = registry
        following = registry.gauge("glidepath_standby_following",
            help: "1 while this standby's last round of following its primary succeeded, else 0.", labels: ["primary"])
        lastFollow = registry.gauge("glidepath_standby_last_follow_timestamp_seconds",
            help: "Unix time of this standby's last successful round of following its primary.", labels: ["primary"])
        followErrors = registry.counter("glidepath_standby_follow_errors_total",
            help: "Failed reads of the primary by kind (unreachable, http_status, malformed, too_large, backwards, store).",
            labels: ["reason"])
        followed = registry.gauge("glidepath_standby_followed_migrations",
            help: "Migrations this standby follows and serves.", labels: [])
        weightPercent = registry.gauge("glidepath_weight_percent",
            help: "Current traffic weight of each arm in percent (as followed from the primary).", labels: ["migration", "arm"])
        step = registry.gauge("glidepath_step", help: "Current step (0-based index), as followed.", labels: ["migration"])
        revision = registry.gauge("glidepath_revision", help: "Current revision of the migration, as followed.",
                                  labels: ["migration"])
        httpRequests = registry.counter("glidepath_http_requests_total",
            help: "HTTP requests answered, per route template and status code.", labels: ["route", "code"])
        buildInfo = registry.gauge("glidepath_build_info", help: "Build information.", labels: ["version"])
        buildInfo.set(1, labels: [ServerMetrics.version])
        following.set(0, labels: [primary])
        followed.set(0, labels: [])
        for kind in FollowError.Kind.allCases { followErrors.add(0, labels: [kind.rawValue]) }
    }

    /// Publishes one followed migration's gauges.
    package func publish(_ f: FollowedMigration) {
        weightPercent.set(f.candidateWeight.complement.percent, labels: [f.name, f.baseline])
        weightPercent.set(f.candidateWeight.percent, labels: [f.name, f.candidate])
        step.set(Double(f.step), labels: [f.name])
        revision.set(Double(f.revision), labels: [f.name])
    }

    /// Drops a migration's series (the primary no longer lists it, or its arms changed).
    package func forget(_ name: String) {
        weightPercent.removeAll { $0.first == name }
        step.remove(labels: [name])
        revision.remove(labels: [name])
    }
}
