import Testing
@testable import GlidepathCore

@Suite struct ThresholdJudgeTests {
    private func assess(_ step: ArmPair, tick: ArmPair? = nil, failed: Int = 0, policy: Policy = Fixture.policy(),
                        stepStartedAt: Int64 = 0, now: Int64 = 10 * Fixture.minute) -> Assessment {
        let input = JudgeInput(policy: policy, status: Fixture.status(.ramping, step: 1, stepStartedAt: stepStartedAt),
                               step: step, tick: tick ?? step, memory: JudgeMemory(failedChecks: failed))
        return ThresholdJudge().assess(input, now: now)
    }

    private static let healthy = ArmPair(baseline: Fixture.arm(10_000, errors: 100), candidate: Fixture.arm(1_000, errors: 10))

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var step: ArmPair
        var guards = Guards()
        var elapsedMs: Int64 = 10 * Fixture.minute
        var failed = 0
        var action: Verdict.Action
        var rule: Verdict.Rule
        var reason: String
        var failedAfter: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        .init(name: "no data", step: .zero, failed: 1, action: .hold, rule: .noData,
              reason: "no requests on either arm since step 1 (10%) began; no data never advances or rolls back",
              failedAfter: 1),
        .init(name: "min requests", step: ArmPair(baseline: Fixture.arm(57, errors: 0), candidate: Fixture.arm(3, errors: 3)),
              action: .hold, rule: .minRequests,
              reason: "waiting for 100 requests per arm at step 1 (10%): baseline has 57 of 100, candidate 3 of 100",
              failedAfter: 0),
        .init(name: "candidate only", step: ArmPair(baseline: .zero, candidate: Fixture.arm(500, errors: 0)),
              action: .hold, rule: .minRequests,
              reason: "waiting for 100 requests per arm at step 1 (10%): baseline has 0 of 100, candidate 100 of 100",
              failedAfter: 0),
        .init(name: "bake", step: healthy, elapsedMs: 100_000, failed: 2, action: .hold, rule: .bake,
              reason: "checks pass (candidate error rate 1.0% vs baseline 1.0%, p99 100 ms vs 100 ms); "
                  + "3m 20s of the 5m bake left at step 1 (10%)",
              failedAfter: 0),
        .init(name: "healthy", step: healthy, elapsedMs: 5 * Fixture.minute, action: .advance, rule: .healthy,
              reason: "checks pass after 1,000 candidate and 10,000 baseline requests (candidate error rate 1.0% vs "
                  + "baseline 1.0%, p99 100 ms vs 100 ms); the 5m bake at step 1 (10%) is done",
              failedAfter: 0),
        .init(name: "slack tolerates a small rate over a zero baseline",
              step: ArmPair(baseline: Fixture.arm(1_000, errors: 0), candidate: Fixture.arm(1_000, errors: 9)),
              action: .advance, rule: .healthy,
              reason: "checks pass after 1,000 candidate and 1,000 baseline requests (candidate error rate 0.9% vs "
                  + "baseline 0.0%, p99 100 ms vs 100 ms); the 5m bake at step 1 (10%) is done",
              failedAfter: 0),
        .init(name: "client errors count against nobody",
              step: ArmPair(baseline: Fixture.arm(1_000, errors: 10), candidate: Fixture.arm(1_000, errors: 10, clientErrors: 900)),
              guards: Guards(failureThreshold: 1), action: .rollback, rule: .errorRatio,
              reason: "candidate error rate 10.0% vs baseline 1.0% (limit 2.0× or +1.0 pt): 1 consecutive failed check "
                  + "after 1,000 candidate requests",
              failedAfter: 1),
        .init(name: "error ratio, first failure", step: ArmPair(baseline: Fixture.arm(10_000, errors: 100),
                                                                candidate: Fixture.arm(1_204, errors: 118)),
              action: .hold, rule: .errorRatio,
              reason: "candidate error rate 9.8% vs baseline 1.0% (limit 2.0× or +1.0 pt): failed check 1 of 3 before rollback",
              failedAfter: 1),
        .init(name: "error ratio, third failure", step: ArmPair(baseline: Fixture.arm(10_000, errors: 100),
                                                                candidate: Fixture.arm(1_204, errors: 118)),
              failed: 2, action: .rollback, rule: .errorRatio,
              reason: "candidate error rate 9.8% vs baseline 1.0% (limit 2.0× or +1.0 pt): 3 consecutive failed checks "
                  + "after 1,204 candidate requests",
              failedAfter: 3),
        .init(name: "absolute error rate", step: ArmPair(baseline: Fixture.arm(1_000, errors: 40),
                                                         candidate: Fixture.arm(1_000, errors: 60)),
              guards: Guards(maxErrorRatePercent: 5), action: .hold, rule: .errorRate,
              reason: "candidate error rate 6.0% above the limit of 5.0%: failed check 1 of 3 before rollback",
              failedAfter: 1),
        .init(name: "latency ratio", step: ArmPair(baseline: Fixture.arm(1_000, errors: 10),
                                                   candidate: Fixture.arm(1_000, errors: 10, bucket: 27)),
              guards: Guards(failureThreshold: 1), action: .rollback, rule: .latencyRatio,
              reason: "candidate p99 latency 180 ms vs baseline 100 ms (limit 1.5×): 1 consecutive failed check after "
                  + "1,000 candidate requests",
              failedAfter: 1),
        .init(name: "latency max", step: ArmPair(baseline: Fixture.arm(1_000, errors: 10, bucket: 27),
                                                 candidate: Fixture.arm(1_000, errors: 10, bucket: 27)),
              guards: Guards(maxP99: TimeSpan(milliseconds: 150)), action: .hold, rule: .latencyMax,
              reason: "candidate p99 latency 180 ms above the limit of 150 ms: failed check 1 of 3 before rollback",
              failedAfter: 1),
        .init(name: "several failures, p50", step: ArmPair(baseline: Fixture.arm(1_000, errors: 10),
                                                           candidate: Fixture.arm(1_000, errors: 100, bucket: 30)),
              guards: Guards(latencyQuantile: 0.5), failed: 2, action: .rollback, rule: .errorRatio,
              reason: "candidate error rate 10.0% vs baseline 1.0% (limit 2.0× or +1.0 pt); candidate p50 latency 300 ms "
                  + "vs baseline 91 ms (limit 1.5×): 3 consecutive failed checks after 1,000 candidate requests",
              failedAfter: 3),
    ]

    @Test(arguments: cases)
    func verdictFollowsTheRules(_ c: Case) {
        let policy = Fixture.policy(guards: c.guards)
        let now: Int64 = 1_000_000
        let a = assess(c.step, failed: c.failed, policy: policy, stepStartedAt: now - c.elapsedMs, now: now)
        #expect(a.verdict.action == c.action)
        #expect(a.verdict.rule == c.rule)
        #expect(a.verdict.reason == c.reason)
        #expect(a.memory.failedChecks == c.failedAfter)
        #expect(a.verdict.evidence.last == GuardEvidence(guardName: .checks, test: .failedChecks,
                                                         value: Double(c.failedAfter)))
    }

    @Test func errorFailureNeedsThreeCountedTicks() {
        let bad = ArmPair(baseline: Fixture.arm(10_000, errors: 100), candidate: Fixture.arm(1_204, errors: 118))
        let newRequests = ArmPair(baseline: Fixture.arm(100, errors: 1), candidate: Fixture.arm(10, errors: 1))
        let quiet = ArmPair(baseline: Fixture.arm(100, errors: 1), candidate: .zero)
        var failed = 0
        var actions: [Verdict.Action] = []
        for tick in [newRequests, quiet, quiet, newRequests, newRequests] {
            let a = assess(bad, tick: tick, failed: failed)
            failed = a.memory.failedChecks
            actions.append(a.verdict.action)
        }
        #expect(actions == [.hold, .hold, .hold, .hold, .rollback])
        #expect(failed == 3)
        let quietVerdict = assess(bad, tick: quiet, failed: 1).verdict
        #expect(quietVerdict.reason == "candidate error rate 9.8% vs baseline 1.0% (limit 2.0× or +1.0 pt): not counted, "
                + "no new candidate requests this tick (1 of 3 so far)")
    }

    /// At the 100 % step (index 4 of the fixture) the baseline gets no traffic: only the candidate's
    /// exposure and the absolute limits count.
    private func assessAtFullWeight(_ step: ArmPair, guards: Guards = Guards()) -> Assessment {
        let input = JudgeInput(policy: Fixture.policy(guards: guards), status: Fixture.status(.ramping, step: 4, stepStartedAt: 0),
                               step: step, tick: step, memory: JudgeMemory())
        return ThresholdJudge().assess(input, now: 10 * Fixture.minute)
    }

    @Test func atFullWeightOnlyTheCandidateNeedsExposure() {
        let waiting = assessAtFullWeight(ArmPair(baseline: .zero, candidate: Fixture.arm(40, errors: 0)))
        #expect(waiting.verdict.rule == .minRequests)
        #expect(waiting.verdict.reason == "waiting for 100 candidate requests at step 4 (100%), where the candidate takes all traffic: 40 so far")
        let done = assessAtFullWeight(ArmPair(baseline: .zero, candidate: Fixture.arm(500, errors: 5)))
        #expect(done.verdict.action == .advance)
    }

    @Test func atFullWeightOnlyAbsoluteLimitsApply() {
        // 5 % errors against a stale 1 % baseline: no ratio rule at 100 %, but a 2 % cap still fires.
        let step = ArmPair(baseline: Fixture.arm(100, errors: 1), candidate: Fixture.arm(1_000, errors: 50))
        #expect(assessAtFullWeight(step).verdict.action == .advance)
        var capped = Guards()
        capped.maxErrorRatePercent = 2
        let a = assessAtFullWeight(step, guards: capped)
        #expect(a.verdict.rule == .errorRate)
        #expect(a.memory.failedChecks == 1)
    }

    @Test func aPassingCheckResetsTheCount() {
        let a = assess(Self.healthy, failed: 2, stepStartedAt: 0, now: 1000)
        #expect(a.memory.failedChecks == 0)
        #expect(a.verdict.rule == .bake)
    }

    @Test func evidenceListsEveryNumber() {
        let step = ArmPair(baseline: Fixture.arm(1_000, errors: 10), candidate: Fixture.arm(500, errors: 10, bucket: 27))
        let evidence = assess(step).verdict.evidence
        let byName = Dictionary(uniqueKeysWithValues: evidence.map { ("\($0.guardName)/\($0.test)", $0.value) })
        #expect(evidence.map { "\($0.guardName)/\($0.test)" } == [
            "errors/candidate_rate", "errors/baseline_rate", "errors/ratio",
            "latency/candidate_quantile_seconds", "latency/baseline_quantile_seconds", "latency/ratio",
            "exposure/candidate_requests", "exposure/baseline_requests", "checks/failed_checks",
        ])
        #expect(byName["errors/candidate_rate"] == 0.02)
        #expect(byName["errors/baseline_rate"] == 0.01)
        #expect(byName["errors/ratio"] == 2)
        #expect(abs(byName["latency/candidate_quantile_seconds"]! - 0.1797) < 1e-9)
        #expect(abs(byName["latency/baseline_quantile_seconds"]! - 0.09982) < 1e-9)
        #expect(byName["exposure/candidate_requests"] == 500)
        #expect(byName["exposure/baseline_requests"] == 1_000)
        #expect(byName["checks/failed_checks"] == 1)
    }

    @Test func undefinedRatiosAreLeftOut() {
        let step = ArmPair(baseline: ArmCounts(requests: 1_000), candidate: ArmCounts(requests: 1_000, errors: 50))
        let names = assess(step).verdict.evidence.map { "\($0.guardName)/\($0.test)" }
        #expect(names == ["errors/candidate_rate", "errors/baseline_rate", "exposure/candidate_requests",
                          "exposure/baseline_requests", "checks/failed_checks"])
    }
}
