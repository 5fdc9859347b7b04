/// The policy's `metrics` section: where the control loop reads each arm's counters, and how the
/// source's own metric names map onto requests, errors, latency, time to first token and tokens.
package struct MetricsSpec: Hashable, Sendable {
    package enum Source: Hashable, Sendable {
        /// The controller's own metrics, fed by the shims (the default).
        case own
        /// Prometheus text endpoints scraped by the controller, summed across targets.
        case scrape(targets: [String])
        /// A Prometheus-compatible server queried with PromQL over its HTTP API.
        case prometheus(url: String)
    }

    package var source: Source
    /// How the source's series map onto the judge's counts; nil for `.own` (glidepath's own names).
    package var mapping: MetricsMapping?
    /// Time allowed for one read (one target, one query): `metrics.timeout`, 100 ms to 10 s, shorter than
    /// the interval; default 2 s.
    package var timeout: TimeSpan = .seconds(2)

    package init(source: Source = .own, mapping: MetricsMapping? = nil) {
        self.source = source
        self.mapping = mapping
    }

    /// True when the counters come from outside the controller (`scrape` or `prometheus`).
    package var isExternal: Bool {
        if case .own = source { return false }
        return true
    }
}

/// The `metrics` mapping from a source's own series to the judge's per-arm counts. Fields beyond
/// `requests` are optional: a signal that is not mapped is not judged.
package struct MetricsMapping: Hashable, Sendable {
    /// Default label carrying the arm's name (`metrics.arm`, e.g. `"source"`).
    package var armLabel: String
    /// Matchers every query and every scraped series must satisfy (e.g. `job="copy-api"`).
    package var matchers: [LabelMatcher]
    /// Request counter (`requests.metric`).
    package var requests: CounterRef
    /// Matchers picking the error series out of the request counter (`requests.errors`); empty: none.
    package var errorMatchers: [LabelMatcher]
    /// Latency histogram (`latency.histogram`), in seconds.
    package var latency: CounterRef?
    /// Time-to-first-token histogram (`ttft.histogram`), in seconds.
    package var ttft: CounterRef?
    /// Token counter (`tokens.metric`).
    package var tokens: CounterRef?

    package init(armLabel: String, matchers: [LabelMatcher] = [], requests: CounterRef,
                 errorMatchers: [LabelMatcher] = [], latency: CounterRef? = nil, ttft: CounterRef? = nil,
                 tokens: CounterRef? = nil) {
        self.armLabel = armLabel
        self.matchers = matchers
        self.requests = requests
        self.errorMatchers = errorMatchers
        self.latency = latency
        self.ttft = ttft
        self.tokens = tokens
    }
}
