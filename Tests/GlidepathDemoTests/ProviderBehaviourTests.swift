import GlidepathSimulator
import HTTPServer
import Testing
@testable import GlidepathDemo

/// The simulated providers: their draws follow the behaviour, and their answers look like an API's.
@Suite struct ProviderBehaviourTests {
    @Test(arguments: [DemoPlan.legacy, DemoPlan.healthy, DemoPlan.faulty])
    func drawsFollowTheErrorRateAndTheLatencyQuantiles(behaviour: ProviderBehaviour) {
        var random = Xoshiro256(seed: 42)
        let n = 100_000
        let answers = (0..<n).map { _ in behaviour.answer(&random) }
        let errors = answers.filter { $0.status != 200 }
        #expect(abs(Double(errors.count) / Double(n) - behaviour.errorRate) < 0.002)
        #expect(Set(errors.map(\.status)).isSubset(of: [429, 500, 503]))
        let sorted = answers.map(\.milliseconds).sorted()
        #expect(abs(sorted[n / 2] / behaviour.p50Milliseconds - 1) < 0.02)
        #expect(abs(sorted[n * 99 / 100] / behaviour.p99Milliseconds - 1) < 0.05)
        #expect(sorted.last! <= ProviderBehaviour.maximumMilliseconds)
    }

    @Test func theSameSeedGivesTheSameAnswers() {
        var a = Xoshiro256(seed: 7), b = Xoshiro256(seed: 7)
        let first = (0..<100).map { _ in DemoPlan.faulty.answer(&a) }
        #expect(first == (0..<100).map { _ in DemoPlan.faulty.answer(&b) })
    }

    @Test(arguments: [(ProviderBehaviour(name: "x", errorRate: 0.01, p50Milliseconds: 20, p99Milliseconds: 80),
                       "1% errors, p50 20 ms, p99 80 ms"),
                      (ProviderBehaviour(name: "y", errorRate: 0.005, p50Milliseconds: 17.6, p99Milliseconds: 60),
                       "0.5% errors, p50 18 ms, p99 60 ms")])
    func theSummarySaysWhatTheProviderDoes(behaviour: ProviderBehaviour, text: String) {
        #expect(behaviour.summary == text)
    }

    @Test func aSuccessIsACompletionAndAFailureAnErrorObjectWithItsStatus() {
        let ok = DemoProvider.response(.init(status: 200, milliseconds: 1), behaviour: DemoPlan.healthy)
        #expect(ok.status == 200 && ok.headers["Content-Type"] == "application/json")
        #expect(String(decoding: ok.body, as: UTF8.self).contains(#""model": "candidate-ok""#))
        let limited = DemoProvider.response(.init(status: 429, milliseconds: 1), behaviour: DemoPlan.faulty)
        #expect(limited.status == 429)
        #expect(String(decoding: limited.body, as: UTF8.self).contains(#""type": "rate_limit_exceeded""#))
        #expect(DemoProvider.response(.init(status: 503, milliseconds: 1), behaviour: DemoPlan.faulty).status == 503)
    }

    @Test(arguments: [("GET", "/v1/chat/completions"), ("POST", "/v1/completions"), ("POST", "/")])
    func onlyTheCompletionsEndpointAnswers(method: String, path: String) {
        var drawn = false
        let r = DemoProvider.handle(HTTPRequest(method: method, target: path, path: path), behaviour: DemoPlan.legacy,
                                    draw: { drawn = true; return .init(status: 200, milliseconds: 0) })
        #expect(r.status == 404 && !drawn)
    }

    @Test func aRealProviderOnLoopbackAnswersAfterItsLatency() throws {
        let provider = DemoProvider(behaviour: ProviderBehaviour(name: "slow", errorRate: 0, p50Milliseconds: 50,
                                                                 p99Milliseconds: 51), seed: 1)
        let port = try provider.start()
        defer { provider.stop() }
        #expect(provider.baseURL == "http://127.0.0.1:\(port)")
        let started = MonotonicClock.nowMs()
        let response = try HTTPClient.send(method: "POST", url: "http://127.0.0.1:\(port)/v1/chat/completions", body: [])
        let took = MonotonicClock.nowMs() - started
        #expect(response.status == 200)
        #expect(took >= 45 && took < 1000)
    }
}
