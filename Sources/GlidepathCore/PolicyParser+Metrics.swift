/// `metrics`: where the control loop reads each arm's counters.
///
/// ```json
/// "metrics": {"source": "scrape", "targets": ["http://127.0.0.1:9101/metrics"], "arm": "source",
///             "labels": {"job": "copy-api"},
///             "requests": {"metric": "copy_generation_total", "errors": {"status": "error"}},
///             "latency": {"histogram": "copy_generation_latency_seconds"}, "timeout": "2s"}
/// ```
/// `source` is `"self"` (the default: the controller's own metrics, fed by the shims), `"scrape"` (1 to
/// `maxScrapeTargets` Prometheus text endpoints, summed) or `"prometheus"` (a server's HTTP API, `url`).
/// An external source needs `arm` (the label naming the arm) and `requests`; `latency`, `ttft` and
/// `tokens` are optional (a signal that is not mapped is not judged).
extension PolicyParser {
    package static let metricsKeys = ["source", "targets", "url", "arm", "labels", "requests", "latency", "ttft",
                                      "tokens", "timeout"]
    package static let metricsSources = ["self", "scrape", "prometheus"]
    /// At most this many scrape targets per migration.
    package static let maxScrapeTargets = 16
    /// Per read (one target, one query); the default.
    package static let defaultMetricsTimeout = TimeSpan.seconds(2)
    package static let minimumMetricsTimeout = TimeSpan(milliseconds: 100)
    package static let maximumMetricsTimeout = TimeSpan.seconds(10)
    /// Source URLs are at most this long.
    package static let maxSourceURLBytes = 2048

    /// Reads `metrics` at the root; `interval` (when valid) bounds `timeout`. Reports every problem and
    /// returns nil when there was one.
    static func readMetrics(_ value: JSONValue, interval: TimeSpan?, _ c: inout Context) -> MetricsSpec? {
        guard let object = c.object(value, path: "metrics", keys: metricsKeys) else { return nil }
        var ok = true
        var kind = "self"
        if let v = c.optional(object, "source") {
            if let s = c.choice(v, path: "metrics.source", among: metricsSources) { kind = s } else { return nil }
        }
        let mappingKeys = ["arm", "labels", "requests", "latency", "ttft", "tokens", "timeout"]
        if kind == "self" {
            for key in ["targets", "url"] + mappingKeys {
                guard let v = object[key] else { continue }
                c.report(object.path(key), "only for an external source (\"source\": \"scrape\" or \"prometheus\"); "
                         + "the controller's own metrics need no \(key == "targets" || key == "url" ? "address" : "mapping")",
                         at: v.position)
                ok = false
            }
            return ok ? MetricsSpec() : nil
        }

        var source: MetricsSpec.Source?
        if kind == "scrape" {
            if let v = object["url"] {
                c.report(object.path("url"), "only for \"source\": \"prometheus\"; a scrape lists its endpoints in "
                         + "\"targets\"", at: v.position)
                ok = false
            }
            if let v = c.required(object, "targets"), let targets = readTargets(v, path: object.path("targets"), &c) {
                source = .scrape(targets: targets)
            }
        } else {
            if let v = object["targets"] {
                c.report(object.path("targets"), "only for \"source\": \"scrape\"; a Prometheus server is one \"url\"",
                         at: v.position)
                ok = false
            }
            if let v = c.required(object, "url"),
               let url = readSourceURL(v, path: object.path("url"), allowPath: true, query: false, &c) {
                source = .prometheus(url: url.hasSuffix("/") ? String(url.dropLast()) : url)
            }
        }

        var armLabel: String?
        if let v = c.required(object, "arm"), let s = c.string(v, path: object.path("arm")) {
            if isLabelName(s) { armLabel = s } else {
                c.report(object.path("arm"), "\(jsonQuoted(s)) is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, "
                         + "not starting with __)", at: v.position)
            }
        }
        var matchers: [LabelMatcher] = []
        if let v = c.optional(object, "labels") {
            if let m = readLabelMatchers(v, path: object.path("labels"), &c) { matchers = m } else { ok = false }
        }
        var requests: CounterRef?
        var errorMatchers: [LabelMatcher] = []
        if let v = c.required(object, "requests") {
            requests = readCounterRef(v, path: object.path("requests"), nameKey: "metric", extra: ["errors"], &c)
            if let e = v.members?.first(where: { $0.key == "errors" })?.value, !e.isNull {
                let path = PolicyParser.path(object.path("requests"), key: "errors")
                if let m = readLabelMatchers(e, path: path, &c) {
                    if m.isEmpty {
                        c.report(path, "must name at least one label, e.g. {\"status\": \"error\"}", at: e.position)
                        ok = false
                    }
                    errorMatchers = m
                } else {
                    ok = false
                }
            }
        }
        func ref(_ key: String, _ nameKey: String) -> CounterRef?? {
            c.optional(object, key).map { readCounterRef($0, path: object.path(key), nameKey: nameKey, &c) }
        }
        let latency = ref("latency", "histogram"), ttft = ref("ttft", "histogram"), tokens = ref("tokens", "metric")
        for r in [latency, ttft, tokens] { if case .some(.none) = r { ok = false } }

        var timeout = defaultMetricsTimeout
        if let v = c.optional(object, "timeout") {
            if let t = c.duration(v, path: object.path("timeout"), minimum: minimumMetricsTimeout,
                                  maximum: maximumMetricsTimeout) {
                if let interval, t >= interval {
                    c.report(object.path("timeout"), "must be shorter than the interval (\(interval)), found \(t)",
                             at: v.position)
                    ok = false
                }
                timeout = t
            } else {
                ok = false
            }
        }
        guard ok, let source, let armLabel, let requests else { return nil }
        let mapping = MetricsMapping(armLabel: armLabel, matchers: matchers, requests: requests,
                                     errorMatchers: errorMatchers, latency: latency ?? nil, ttft: ttft ?? nil,
                                     tokens: tokens ?? nil)
        var spec = MetricsSpec(source: source, mapping: mapping)
        spec.timeout = timeout
        return spec
    }

    /// `targets`: 1 to `maxScrapeTargets` distinct http URLs.
    static func readTargets(_ value: JSONValue, path: String, _ c: inout Context) -> [String]? {
        guard let elements = value.elements else {
            c.report(path, "expected an array of URLs, found \(value.typeName)", at: value.position)
            return nil
        }
        guard (1...maxScrapeTargets).contains(elements.count) else {
            c.report(path, "must list 1 to \(maxScrapeTargets) URLs, found \(elements.count)", at: value.position)
            return nil
        }
        var ok = true
        var out: [String] = []
        for (i, e) in elements.enumerated() {
            let at = PolicyParser.path(path, index: i)
            guard let url = readSourceURL(e, path: at, allowPath: true, query: true, &c) else { ok = false; continue }
            if out.contains(url) {
                c.report(at, "\(jsonQuoted(url)) is listed twice (it would be counted twice)", at: e.position)
                ok = false
            }
            out.append(url)
        }
        return ok ? out : nil
    }

    /// An `http://host[:port][/path]` URL (no user info, no fragment; a query only when `query`).
    static func readSourceURL(_ value: JSONValue, path: String, allowPath: Bool, query: Bool,
                              _ c: inout Context) -> String? {
        guard let text = c.string(value, path: path) else { return nil }
        if text.utf8.count > maxSourceURLBytes {
            c.report(path, "must be at most \(maxSourceURLBytes) bytes, found \(text.utf8.count)", at: value.position)
            return nil
        }
        switch WebhookURL.parse(text) {
        case .failure(let error):
            c.report(path, error.message, at: value.position)
            return nil
        case .success(let url):
            if url.scheme != "http" {
                c.report(path, "must be an http:// URL (the controller reads sources over plain HTTP; keep them on "
                         + "a trusted network), found \(jsonQuoted(text))", at: value.position)
                return nil
            }
            if text.contains("#") || (!query && text.contains("?")) {
                c.report(path, "must not have a \(query ? "fragment" : "query or fragment"), found \(jsonQuoted(text))",
                         at: value.position)
                return nil
            }
            return text
        }
    }

    static func render(_ spec: MetricsSpec) -> JSONValue? {
        guard let m = spec.mapping else { return nil }
        var out: [(String, JSONValue)] = []
        switch spec.source {
        case .own: return nil
        case .scrape(let targets):
            out = [("source", .string("scrape")), ("targets", .array(targets.map { .string($0) }))]
        case .prometheus(let url):
            out = [("source", .string("prometheus")), ("url", .string(url))]
        }
        out.append(("arm", .string(m.armLabel)))
        if !m.matchers.isEmpty { out.append(("labels", render(m.matchers))) }
        out.append(("requests", render(m.requests, nameKey: "metric",
                                       extra: m.errorMatchers.isEmpty ? [] : [("errors", render(m.errorMatchers))])))
        if let l = m.latency { out.append(("latency", render(l, nameKey: "histogram"))) }
        if let t = m.ttft { out.append(("ttft", render(t, nameKey: "histogram"))) }
        if let t = m.tokens { out.append(("tokens", render(t, nameKey: "metric"))) }
        out.append(("timeout", .string(spec.timeout.description)))
        return .object(out)
    }

    static func render(_ ref: CounterRef, nameKey: String, extra: [(String, JSONValue)] = []) -> JSONValue {
        var out: [(String, JSONValue)] = [(nameKey, .string(ref.metric))]
        if let arm = ref.armLabel { out.append(("arm", .string(arm))) }
        if !ref.matchers.isEmpty { out.append(("labels", render(ref.matchers))) }
        return .object(out + extra)
    }

    static func render(_ matchers: [LabelMatcher]) -> JSONValue {
        .object(matchers.map { ($0.name, .string($0.value)) })
    }
}
