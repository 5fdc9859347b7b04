import Testing
@testable import GlidepathCore

/// The `metrics` section: sources, the mapping, defaults, each mistake by its path, and the round trip.
@Suite struct PolicyMetricsTests {
    static let scrape = #"{"source": "scrape", "targets": ["http://127.0.0.1:9101/metrics"], "arm": "source", "requests": {"metric": "copy_generation_total"}}"#

    static func metrics(_ body: String) -> [(String, String?)] { [("metrics", body)] }

    static let mistakes: [PolicyCase] = [
        PolicyCase(metrics(#"{"source": "prom"}"#), "metrics.source", #"must be one of "self", "scrape", "prometheus", found "prom""#),
        PolicyCase(metrics(#"{"sorce": "self"}"#), "metrics.sorce", #"unknown key "sorce"; did you mean "source"?"#),
        PolicyCase(metrics(#"{"arm": "source"}"#), "metrics.arm",
                   #"only for an external source ("source": "scrape" or "prometheus"); the controller's own metrics need no mapping"#),
        PolicyCase(metrics(#"{"source": "self", "url": "http://p:9090"}"#), "metrics.url",
                   #"only for an external source ("source": "scrape" or "prometheus"); the controller's own metrics need no address"#),
        PolicyCase(metrics(#"{"source": "scrape", "arm": "source", "requests": {"metric": "x_total"}}"#), "metrics.targets",
                   #"missing required key "targets""#),
        PolicyCase(metrics(#"{"source": "scrape", "targets": [], "arm": "source", "requests": {"metric": "x_total"}}"#), "metrics.targets",
                   "must list 1 to 16 URLs, found 0"),
        PolicyCase(metrics(#"{"source": "scrape", "targets": "http://a:1/metrics", "arm": "source", "requests": {"metric": "x_total"}}"#),
                   "metrics.targets", "expected an array of URLs, found string"),
        PolicyCase(metrics(#"{"source": "scrape", "targets": ["ftp://a/metrics"], "arm": "source", "requests": {"metric": "x_total"}}"#),
                   "metrics.targets[0]", #"must start with http:// or https://, found "ftp://a/metrics""#),
        PolicyCase(metrics(#"{"source": "scrape", "targets": ["https://a/metrics"], "arm": "source", "requests": {"metric": "x_total"}}"#),
                   "metrics.targets[0]", #"must be an http:// URL (the controller reads sources over plain HTTP; keep them on a trusted network), found "https://a/metrics""#),
        PolicyCase(metrics(#"{"source": "scrape", "targets": ["http://a:1/m", "http://a:1/m"], "arm": "source", "requests": {"metric": "x_total"}}"#),
                   "metrics.targets[1]", #""http://a:1/m" is listed twice (it would be counted twice)"#),
        PolicyCase(metrics(#"{"source": "scrape", "targets": ["http://u:p@a/m"], "arm": "source", "requests": {"metric": "x_total"}}"#),
                   "metrics.targets[0]", "must not hold user info (user:password@ before the host)"),
        PolicyCase(metrics(#"{"source": "scrape", "url": "http://p:9090", "targets": ["http://a/m"], "arm": "source", "requests": {"metric": "x_total"}}"#),
                   "metrics.url", #"only for "source": "prometheus"; a scrape lists its endpoints in "targets""#),
        PolicyCase(metrics(#"{"source": "prometheus", "targets": ["http://a/m"], "url": "http://p:9090", "arm": "source", "requests": {"metric": "x_total"}}"#),
                   "metrics.targets", #"only for "source": "scrape"; a Prometheus server is one "url""#),
        PolicyCase(metrics(#"{"source": "prometheus", "arm": "source", "requests": {"metric": "x_total"}}"#), "metrics.url",
                   #"missing required key "url""#),
        PolicyCase(metrics(#"{"source": "prometheus", "url": "http://p:9090/?x=1", "arm": "source", "requests": {"metric": "x_total"}}"#),
                   "metrics.url", #"must not have a query or fragment, found "http://p:9090/?x=1""#),
        PolicyCase(metrics(#"{"source": "prometheus", "url": "http://p:9090", "requests": {"metric": "x_total"}}"#), "metrics.arm",
                   #"missing required key "arm""#),
        PolicyCase(metrics(#"{"source": "prometheus", "url": "http://p:9090", "arm": "__name__", "requests": {"metric": "x_total"}}"#),
                   "metrics.arm", #""__name__" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)"#),
        PolicyCase(metrics(#"{"source": "prometheus", "url": "http://p:9090", "arm": "source"}"#), "metrics.requests",
                   #"missing required key "requests""#),
        PolicyCase(metrics(#"{"source": "prometheus", "url": "http://p:9090", "arm": "source", "requests": {"metric": "9x"}}"#),
                   "metrics.requests.metric", #""9x" is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*, at most 200 bytes)"#),
        PolicyCase(metrics(#"{"source": "prometheus", "url": "http://p:9090", "arm": "source", "requests": {"metric": "x_total", "errors": {}}}"#),
                   "metrics.requests.errors", #"must name at least one label, e.g. {"status": "error"}"#),
        PolicyCase(metrics(#"{"source": "prometheus", "url": "http://p:9090", "arm": "source", "requests": {"metric": "x_total", "errors": "error"}}"#),
                   "metrics.requests.errors", #"expected an object of label names to values, e.g. {"status": "error"}, found string"#),
        PolicyCase(metrics(#"{"source": "prometheus", "url": "http://p:9090", "arm": "source", "requests": {"metric": "x_total", "eror": {}}}"#),
                   "metrics.requests.eror", #"unknown key "eror"; did you mean "errors"?"#),
        PolicyCase(metrics(#"{"source": "prometheus", "url": "http://p:9090", "arm": "source", "requests": {"metric": "x_total"}, "latency": {"histogram": "x_seconds", "metric": "x_seconds"}}"#),
                   "metrics.latency.metric", #"unknown key "metric"; expected one of "histogram", "arm", "labels""#),
        PolicyCase(metrics(#"{"source": "prometheus", "url": "http://p:9090", "arm": "source", "requests": {"metric": "x_total"}, "labels": {"job": ""}}"#),
                   "metrics.labels.job", "must be 1 to 256 bytes, found 0"),
        PolicyCase(metrics(#"{"source": "prometheus", "url": "http://p:9090", "arm": "source", "requests": {"metric": "x_total"}, "timeout": "20s"}"#),
                   "metrics.timeout", #"must be at most 10s, found "20s""#),
        PolicyCase(metrics(#"{"source": "prometheus", "url": "http://p:9090", "arm": "source", "requests": {"metric": "x_total"}, "timeout": "50ms"}"#),
                   "metrics.timeout", "must be at least 100ms, found 50ms"),
        PolicyCase([("interval", #""5s""#), ("metrics", #"{"source": "prometheus", "url": "http://p:9090", "arm": "source", "requests": {"metric": "x_total"}, "timeout": "5s"}"#)],
                   "metrics.timeout", "must be shorter than the interval (5s), found 5s"),
        PolicyCase(metrics(#"{"source": "prometheus", "url": "http://p:9090", "arm": "source", "requests": {"metric": "x_total"}, "tokens": {"metric": "t", "histogram": "t"}}"#),
                   "metrics.tokens.histogram", #"unknown key "histogram"; expected one of "metric", "arm", "labels""#),
        PolicyCase(metrics("[]"), "metrics", "expected an object, found array"),
    ]

    @Test("each mistake yields exactly its one problem, path and message", arguments: mistakes)
    func singleProblem(_ row: PolicyCase) {
        let problems = PolicyFixtures.problems(row.source)
        #expect(problems.map(\.path) == [row.path])
        #expect(problems.map(\.message) == [row.message])
    }

    @Test func absentOrSelfIsTheControllersOwn() throws {
        for changes in [[], Self.metrics(#"{}"#), Self.metrics(#"{"source": "self"}"#), Self.metrics("null")] {
            let p = try PolicyParser.parse(PolicyFixtures.policy(changes)).get()
            #expect(p.metrics == MetricsSpec())
            #expect(!p.metrics.isExternal)
            if case .object(let members) = PolicyParser.render(p).kind { #expect(!members.map(\.key).contains("metrics")) }
        }
    }

    @Test func scrapeWithTheDefaults() throws {
        let p = try PolicyParser.parse(PolicyFixtures.policy(Self.metrics(Self.scrape))).get()
        #expect(p.metrics.source == .scrape(targets: ["http://127.0.0.1:9101/metrics"]))
        #expect(p.metrics.timeout == .seconds(2))
        #expect(p.metrics.mapping == MetricsMapping(armLabel: "source", requests: CounterRef(metric: "copy_generation_total")))
    }

    @Test func everyFieldIsRead() throws {
        let text = #"""
            {"source": "prometheus", "url": "http://prom.internal:9090/", "arm": "source", "labels": {"job": "copy-api"},
             "requests": {"metric": "copy_generation_total", "errors": {"status": "error"}},
             "latency": {"histogram": "copy_generation_latency_seconds", "labels": {"route": "/v1"}},
             "ttft": {"histogram": "copy_ttft_seconds", "arm": "provider"}, "tokens": {"metric": "copy_tokens_total"},
             "timeout": "1500ms"}
            """#
        let p = try PolicyParser.parse(PolicyFixtures.policy(Self.metrics(text))).get()
        #expect(p.metrics.source == .prometheus(url: "http://prom.internal:9090"))
        #expect(p.metrics.timeout == TimeSpan(milliseconds: 1500))
        let m = try #require(p.metrics.mapping)
        #expect(m.armLabel == "source")
        #expect(m.matchers == [LabelMatcher(name: "job", value: "copy-api")])
        #expect(m.requests == CounterRef(metric: "copy_generation_total"))
        #expect(m.errorMatchers == [LabelMatcher(name: "status", value: "error")])
        #expect(m.latency == CounterRef(metric: "copy_generation_latency_seconds", matchers: [LabelMatcher(name: "route", value: "/v1")]))
        #expect(m.ttft == CounterRef(metric: "copy_ttft_seconds", armLabel: "provider"))
        #expect(m.tokens == CounterRef(metric: "copy_tokens_total"))
        // Rendered and read back: the same policy.
        let again = try PolicyParser.parse(PolicyParser.render(p).rendered()).get()
        #expect(again == p)
    }

    @Test func scrapeRoundTrips() throws {
        let p = try PolicyParser.parse(PolicyFixtures.policy(Self.metrics(Self.scrape))).get()
        #expect(try PolicyParser.parse(PolicyParser.render(p).rendered()).get() == p)
    }

    @Test func everyProblemOfOneSectionIsListed() {
        let problems = PolicyFixtures.problems(PolicyFixtures.policy(Self.metrics(
            #"{"source": "scrape", "url": "x", "arm": "9", "requests": {}}"#)))
        #expect(problems.map(\.path) == ["metrics.url", "metrics.targets", "metrics.arm", "metrics.requests.metric"])
    }
}
