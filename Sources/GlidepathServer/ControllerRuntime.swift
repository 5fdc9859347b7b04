import GlidepathCore
import SQLiteStore

/// What a primary runs behind its listener, built the same way by `serve` and by a promoted standby: the
/// controller (with the configured latency buckets and webhooks), the control loop (own metrics in-process,
/// `scrape`/`prometheus` sources off its thread), the notification dispatcher and the history retention job.
///
/// Built in two steps: `init` makes the controller (so the caller loads and applies policies first), `start`
/// starts the threads. `stopWork` stops the loop and the retention job (before the listener shuts down);
/// `stopDelivery` stops notifications and closes the webhook transport (after it).
package final class ControllerRuntime: Sendable {
    package let controller: Controller
    /// One transport for notifications and gates: POSTs that never follow redirects, 5 s at most each.
    let transport: URLSessionWebhookTransport
    let loop: ControlLoop
    let dispatcher: NotificationDispatcher
    let retention: RetentionJob

    package init(config: ServeConfig, store: SQLiteMigrationStore, time: any TimeSource,
                 retentionPeriod: Double = RetentionJob.defaultPeriod) {
        let transport = URLSessionWebhookTransport()
        let controller = Controller(store: store, metrics: ServerMetrics(latency: config.latencyBuckets), time: time,
                                    webhooks: config.webhooks, webhookTransport: transport)
        // The loop reads the controller's own metrics in-process (text format, strict parser): no socket,
        // so no client can starve it of descriptors or connections. Migrations whose policy names a `scrape` or
        // `prometheus` source are read off the loop's thread.
        let source = RoutedMetricsSource(own: SelfMetricsSource(registry: controller.metrics.registry),
                                         health: controller.sourceHealth)
        loop = ControlLoop(controller: controller, source: source, time: time)
        // Notifications go out on their own thread: a slow receiver never holds up the loop.
        dispatcher = NotificationDispatcher(outbox: store, transport: transport, config: config.webhooks,
                                            metrics: controller.notificationMetrics, time: time)
        // History retention: off the request and control paths, in short batched transactions.
        retention = RetentionJob(controller: controller, retention: config.retention, period: retentionPeriod)
        self.controller = controller
        self.transport = transport
    }

    /// Starts the control loop, the notification dispatcher and the retention job (a pass at once).
    package func start() {
        loop.start()
        dispatcher.start()
        retention.start()
    }

    /// Stops the control loop and the retention job (a pass in progress ends after its current batch).
    package func stopWork() {
        loop.stop()
        retention.stop()
    }

    /// Stops notifications and closes the webhook transport.
    package func stopDelivery() {
        dispatcher.stop()
        transport.close()
    }
}
