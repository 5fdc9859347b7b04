import Foundation
import GlidepathCore

/// Whether each migration's external metrics source answers, as `/metrics` and the log see it:
/// `glidepath_metrics_source_up{migration}` is 1 after a usable reading and 0 after a failed one; the
/// first failure of a streak logs one line with the reason, and the first reading after it one more.
package final class MetricsSourceHealth: @unchecked Sendable {
    private let lock = NSLock()
    private var failing: [String: String] = [:]
    private let metrics: ServerMetrics

    package init(metrics: ServerMetrics) {
        self.metrics = metrics
    }

    /// The reason `migration`'s source is failing, nil while it answers.
    package func failure(_ migration: String) -> String? { lock.withLock { failing[migration] } }

    package func record(_ migration: String, _ reading: MetricsReading) {
        switch reading {
        case .pending: return
        case .failed(let reason):
            metrics.metricsSourceUp.set(0, labels: [migration])
            let started = lock.withLock { () -> Bool in
                defer { failing[migration] = reason }
                return failing[migration] == nil
            }
            guard started else { return }
            Log.event(.metricsSourceFailure, .error, "migration \(migration): \(reason); its step holds (no pass, no rollback) "
                + "until the source answers", [("migration", .string(migration)), ("reason", .string(reason))])
        case .counts(_, let note):
            metrics.metricsSourceUp.set(1, labels: [migration])
            let recovered = lock.withLock { failing.removeValue(forKey: migration) }
            guard let recovered else { return }
            Log.event(.metricsSourceRecovered, .info, "migration \(migration): metrics source answers again (it had failed: "
                + "\(recovered))\(note.map { "; \($0)" } ?? "")",
                [("migration", .string(migration)), ("reason", .string(recovered))])
        }
    }

    /// Drops what is kept for `migration` (deleted), its gauge included.
    package func forget(_ migration: String) {
        lock.withLock { _ = failing.removeValue(forKey: migration) }
        metrics.metricsSourceUp.remove(labels: [migration])
    }
}
