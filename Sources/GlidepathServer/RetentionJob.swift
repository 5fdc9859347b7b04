import GlidepathCore

/// The history retention job (`serve --history-days`, `--history-max-decisions`): a thread of its own that
/// runs a pass at start and then every `period` seconds. Each pass deletes in batched transactions of a few
/// hundred rows, so neither the control loop nor an operator's write waits behind it for long.
package final class RetentionJob: Sendable {
    package static let defaultPeriod: Double = 3600

    private let worker: WorkerThread

    package init(controller: Controller, retention: HistoryRetention, period: Double = RetentionJob.defaultPeriod) {
        worker = WorkerThread(name: "glidepath-retention", period: max(1, period)) { thread in
            // A pass stops between two batches at shutdown; the next start carries on.
            controller.applyRetention(retention, shouldContinue: { !thread.isStopping })
            return false
        }
    }

    package func start() { worker.start() }

    /// Stops; a pass in progress ends after its current batch.
    package func stop() { worker.stop() }
}
