import GlidepathCore

/// The control loop's source: migrations on the controller's own metrics go to `own` (one in-process
/// read for all of them), those naming a `scrape` or `prometheus` source to `external` (read off the
/// loop's thread). Every external reading is reported to `health` (`glidepath_metrics_source_up`, logs).
package struct RoutedMetricsSource: MetricsSource {
    package let own: any MetricsSource
    package let external: ExternalMetricsSource
    package let health: MetricsSourceHealth

    package init(own: any MetricsSource, external: ExternalMetricsSource = ExternalMetricsSource(),
                 health: MetricsSourceHealth) {
        self.own = own
        self.external = external
        self.health = health
    }

    /// Counts only (what `read` answers as `.counts`).
    package func fetch(_ queries: [MetricsQuery]) throws -> [String: ArmPair] {
        try read(queries).compactMapValues { if case .counts(let c, _) = $0 { c } else { nil } }
    }

    package func read(_ queries: [MetricsQuery]) throws -> [String: MetricsReading] {
        let ownQueries = queries.filter { !$0.metrics.isExternal }
        let externalQueries = queries.filter { $0.metrics.isExternal }
        var out = ownQueries.isEmpty ? [:] : try own.read(ownQueries)
        // A query that only samples the history gets the last counts again: not news about the source.
        let due = Set(externalQueries.filter(\.due).map(\.migration))
        for (name, reading) in external.read(externalQueries) {
            out[name] = reading
            if due.contains(name) { health.record(name, reading) }
        }
        return out
    }
}
