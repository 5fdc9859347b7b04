import Foundation
import GlidepathCore

/// Whether the store is taking writes, as readiness, metrics and the log see it.
///
/// Every store call reports its outcome here. The first failure after a success logs one line (with the
/// full error, SQL included, for whoever debugs it) and the first success after a failure logs one more:
/// a failing disk costs two log lines, not one per round. `glidepath_store_up` is 0 while failing,
/// `glidepath_store_errors_total{op}` counts every failed call.
package final class StoreHealth: @unchecked Sendable {
    /// The kinds of store call counted in `glidepath_store_errors_total{op}`.
    package enum Operation: String, CaseIterable, Sendable {
        /// A decision (transition) with its status and judge state.
        case decision
        /// The judge state saved after a tick that changed nothing else.
        case judgeState = "judge_state"
        /// Reading the audit log or policy versions.
        case read
        /// Loading every migration at start-up.
        case load
    }

    private let lock = NSLock()
    private var failing: String?
    private let metrics: ServerMetrics

    init(metrics: ServerMetrics) {
        self.metrics = metrics
        metrics.storeUp.set(1, labels: [])
        for op in Operation.allCases { metrics.storeErrors.add(0, labels: [op.rawValue]) }
    }

    /// nil while the store works; else the plain reason of the last failure.
    package var failure: String? { lock.withLock { failing } }

    /// A plain sentence for an error of the store (no SQL, no source locations).
    package static func plainReason(_ error: any Error) -> String {
        (error as? any PlainStoreFailure)?.plainReason ?? "the store refused the write"
    }

    func failed(_ op: Operation, _ error: any Error, migration: String? = nil) {
        let reason = Self.plainReason(error)
        metrics.storeErrors.add(1, labels: [op.rawValue])
        let started = lock.withLock { () -> Bool in
            defer { failing = reason }
            return failing == nil
        }
        guard started else { return }
        metrics.storeUp.set(0, labels: [])
        let which = migration.map { " (migration \($0))" } ?? ""
        var fields: [(String, JSON)] = [("operation", .string(op.rawValue)), ("reason", .string(reason))]
        if let migration { fields.append(("migration", .string(migration))) }
        fields.append(("detail", .string("\(error)")))
        Log.event(.storeFailure, .error, "store failing: \(reason)\(which); rollbacks and pauses are served and "
            + "kept pending, other changes are refused until it recovers. Detail: \(error)", fields)
    }

    func succeeded() {
        let recovered = lock.withLock { () -> String? in
            defer { failing = nil }
            return failing
        }
        guard let recovered else { return }
        metrics.storeUp.set(1, labels: [])
        Log.event(.storeRecovered, .info, "store recovered (it had failed: \(recovered))",
                  [("reason", .string(recovered))])
    }
}
