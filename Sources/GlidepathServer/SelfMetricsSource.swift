import GlidepathCore
import PromText
import Synchronization

/// The controller's own metrics, read back in the Prometheus text format without a socket: the registry
/// renders the exposition `/metrics` would serve, the strict parser reads it, and the same extraction as
/// a scrape turns it into per-arm counts.
///
/// Only what the asked-for migrations need is rendered (`MetricRegistry.render(selection:)` on the
/// `migration` label, in the families `extract` reads): a round costs what its due migrations hold,
/// however many migrations the registry holds. They are read `chunk` migrations at a time, so the text
/// and its parse stay small whatever a round asks for.
///
/// A migration whose series have not changed since its last read (the registry's change stamp over those
/// families has not moved) gets the counts parsed then, without a render or a parse: an idle migration
/// costs its judge nothing but the tick.
///
/// Going through the text format keeps one code path for every source (what Prometheus would see is what
/// the judge sees); staying in-process means a flood of client connections, an exhausted descriptor
/// table or a busy listener can never stop the control loop from reading its evidence.
package struct SelfMetricsSource: MetricsSource {
    /// The families `ScrapeMetricsSource.extract` reads a migration's counts from.
    package static let families: Set<String> = [
        "glidepath_requests_total", "glidepath_request_duration_seconds", "glidepath_ttft_seconds",
        "glidepath_tokens_total",
    ]

    package let registry: MetricRegistry
    /// Migrations rendered and parsed at a time (at least 1).
    package let chunk: Int
    private let cache = ReadCache()

    package init(registry: MetricRegistry, chunk: Int = 256) {
        self.registry = registry
        self.chunk = max(1, chunk)
    }

    /// Renders and parses (counted by the tests, which check that unchanged migrations are not re-read).
    package var parses: Int { cache.parses }

    package func fetch(_ queries: [MetricsQuery]) throws -> [String: ArmPair] {
        var out: [String: ArmPair] = [:]
        var stale: [(query: MetricsQuery, stamp: UInt64?)] = []
        for q in queries {
            // Read before rendering: a change made during the render moves the stamp past this one.
            let stamp = registry.changes.current(q.migration, families: Self.families)
            if let stamp, let counts = cache.counts(for: q, stamp: stamp) {
                out[q.migration] = counts
            } else {
                stale.append((q, stamp))
            }
        }
        var start = 0
        while start < stale.count {
            let part = Array(stale[start..<min(stale.count, start + chunk)])
            start += part.count
            let read = try parse(part.map(\.query))
            for (q, stamp) in part {
                guard let counts = read[q.migration] else { continue }
                out[q.migration] = counts
                if let stamp { cache.store(counts, for: q, stamp: stamp) }
            }
        }
        cache.prune { registry.changes.current($0, families: Self.families) == nil }
        return out
    }

    private func parse(_ queries: [MetricsQuery]) throws -> [String: ArmPair] {
        cache.countParse()
        let selection = SeriesSelection(label: "migration", values: queries.map(\.migration), families: Self.families)
        let text = String(decoding: registry.render(selection: selection), as: UTF8.self)
        let families: [MetricFamily]
        do { families = try PromTextParser.parse(text) } catch {
            throw ScrapeError(url: "self", message: "unparseable metrics: \(error)")
        }
        return try ScrapeMetricsSource.extract(families, queries: queries, url: "self")
    }

    /// The counts last parsed per migration, with the query and stamp they were read for.
    private final class ReadCache: Sendable {
        private struct Entry {
            var query: MetricsQuery
            var stamp: UInt64
            var counts: ArmPair
        }

        private struct State {
            var entries: [String: Entry] = [:]
            var parses = 0
            var fetchesSincePrune = 0
        }

        /// Fetches between two sweeps for migrations whose series are gone (deleted).
        private static let pruneEvery = 1_024
        private let state = Mutex(State())

        var parses: Int { state.withLock { $0.parses } }

        func countParse() { state.withLock { $0.parses += 1 } }

        func counts(for query: MetricsQuery, stamp: UInt64) -> ArmPair? {
            let key = Self.key(query)
            return state.withLock { s in
                guard let e = s.entries[query.migration], e.stamp == stamp, e.query == key else { return nil }
                return e.counts
            }
        }

        func store(_ counts: ArmPair, for query: MetricsQuery, stamp: UInt64) {
            let entry = Entry(query: Self.key(query), stamp: stamp, counts: counts)
            state.withLock { $0.entries[query.migration] = entry }
        }

        /// What the counts depend on: a history sample (`due` false) reads the same counts as a tick.
        private static func key(_ query: MetricsQuery) -> MetricsQuery {
            var q = query
            q.due = true
            return q
        }

        /// Every `pruneEvery` fetches, drops the migrations `isGone` says have no series any more.
        func prune(isGone: (String) -> Bool) {
            let names: [String]? = state.withLock { s in
                s.fetchesSincePrune += 1
                guard s.fetchesSincePrune >= Self.pruneEvery else { return nil }
                s.fetchesSincePrune = 0
                return Array(s.entries.keys)
            }
            guard let names else { return }
            let gone = names.filter(isGone)
            state.withLock { s in for name in gone { s.entries[name] = nil } }
        }
    }
}
