import PromText

/// The notification families, registered in the controller's registry.
package final class NotificationMetrics: Sendable {
    /// `glidepath_notifications_total{migration,outcome}`.
    package let total: CounterFamily
    /// `glidepath_notifications_pending{migration}`: notifications not yet delivered nor given up.
    package let pending: GaugeFamily

    /// Outcomes: `delivered` (2xx), `failed` (an attempt failed; it will be retried), `dropped` (given up after
    /// the last attempt, or over the per-migration cap).
    package enum Outcome: String, CaseIterable, Sendable {
        case delivered, failed, dropped
    }

    package init(registry: MetricRegistry) {
        total = registry.counter("glidepath_notifications_total",
            help: "Webhook notifications per migration and outcome (delivered, failed attempt to be retried, dropped).",
            labels: ["migration", "outcome"])
        pending = registry.gauge("glidepath_notifications_pending",
            help: "Webhook notifications waiting to be delivered (retries included).", labels: ["migration"])
    }

    package func count(_ outcome: Outcome, migration: String, _ n: Int = 1) {
        total.add(Double(n), labels: [migration, outcome.rawValue])
    }

    /// Creates a migration's series at zero, so `rate()` works before the first notification.
    package func precreate(migration: String) {
        for outcome in Outcome.allCases { total.add(0, labels: [migration, outcome.rawValue]) }
    }
}
