import GlidepathCore
import PromText

/// The controller's own metrics, read back in the Prometheus text format without a socket: the registry
/// renders the exposition `/metrics` would serve, the strict parser reads it, and the same extraction as
/// a scrape turns it into per-arm counts.
///
/// Going through the text format keeps one code path for every source (what Prometheus would see is what
/// the judge sees); staying in-process means a flood of client connections, an exhausted descriptor
/// table or a busy listener can never stop the control loop from reading its evidence.
package struct SelfMetricsSource: MetricsSource {
    package let registry: MetricRegistry

    package init(registry: MetricRegistry) {
        self.registry = registry
    }

    package func fetch(_ queries: [MetricsQuery]) throws -> [String: ArmPair] {
        let text = String(decoding: registry.render(), as: UTF8.self)
        let families: [MetricFamily]
        do { families = try PromTextParser.parse(text) } catch {
            throw ScrapeError(url: "self", message: "unparseable metrics: \(error)")
        }
        return try ScrapeMetricsSource.extract(families, queries: queries, url: "self")
    }
}
