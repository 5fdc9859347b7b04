import PromText
import Synchronization

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

    /// Deleted migrations, whose pending gauge the dispatcher must not bring back (bounded: cleared when full).
    private let deleted = Mutex(Set<String>())

    /// Marks a migration deleted (its series are removed by the caller) until it is created again.
    package func forget(migration: String) {
        deleted.withLock { set in
            if set.count >= 10_000 { set.removeAll() }
            set.insert(migration)
        }
    }

    /// Whether `forget(migration:)` was called since the migration was last (re)created.
    package func isForgotten(_ migration: String) -> Bool { deleted.withLock { $0.contains(migration) } }

    package func count(_ outcome: Outcome, migration: String, _ n: Int = 1) {
        total.add(Double(n), labels: [migration, outcome.rawValue])
    }

    /// Creates a migration's series at zero, so `rate()` works before the first notification.
    package func precreate(migration: String) {
        _ = deleted.withLock { $0.remove(migration) }
        for outcome in Outcome.allCases { total.add(0, labels: [migration, outcome.rawValue]) }
    }
}
