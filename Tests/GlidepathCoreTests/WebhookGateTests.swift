import Testing
@testable import GlidepathCore

/// `"gate": {"webhook": URL}`: parsing, and what a tick at the gate does with the judge's verdict and the
/// gate's last answer.
@Suite struct WebhookGateTests {
    // MARK: Parsing

    static func steps(_ gate: String) -> [(String, String?)] { [("steps", #"[{"weight": 5}, {"weight": 100, "gate": \#(gate)}]"#)] }

    static let problems: [PolicyCase] = [
        PolicyCase(steps(#"{}"#), "steps[1].gate.webhook", #"missing required key "webhook""#),
        PolicyCase(steps(#"{"webhook": 3}"#), "steps[1].gate.webhook", "expected a string, found number"),
        PolicyCase(steps(#"{"webhook": "ftp://x"}"#), "steps[1].gate.webhook", #"must start with http:// or https://, found "ftp://x""#),
        PolicyCase(steps(#"{"webhook": "https://u:p@x"}"#), "steps[1].gate.webhook",
                   "must not hold user info (user:password@ before the host)"),
        PolicyCase(steps(#"{"webhook": "https://x", "timeout": "1s"}"#), "steps[1].gate.timeout",
                   #"unknown key "timeout"; expected one of "webhook""#),
        PolicyCase(steps(#""Manual""#), "steps[1].gate", #"must be "manual" or {"webhook": "https://…"}, found "Manual""#),
        PolicyCase(steps("[]"), "steps[1].gate", #"expected "manual" or {"webhook": "https://…"}, found array"#),
    ]

    @Test("each gate mistake yields exactly its one problem, path and message", arguments: problems)
    func singleProblem(_ row: PolicyCase) {
        let problems = PolicyFixtures.problems(row.source)
        #expect(problems.map(\.path) == [row.path])
        #expect(problems.map(\.message) == [row.message])
    }

    @Test func aMisspeltWebhookKeyIsNamedWithItsSuggestion() {
        let problems = PolicyFixtures.problems(PolicyFixtures.policy(Self.steps(#"{"webhok": "https://x"}"#)))
        #expect(problems.map(\.description) == [#"steps[1].gate.webhok: unknown key "webhok"; did you mean "webhook"?"#,
                                                #"steps[1].gate.webhook: missing required key "webhook""#])
    }

    @Test func webhookAndManualGatesParseAndRenderBack() throws {
        let policy = try PolicyParser.parse(PolicyFixtures.policy([("steps",
            #"[{"weight": 5}, {"weight": 50, "gate": "manual"}, {"weight": 100, "gate": {"webhook": "https://ci.example.com/confirm?id=7"}}]"#)])).get()
        #expect(policy.steps.map(\.gate) == [nil, .manual, .webhook(try WebhookURL.parse("https://ci.example.com/confirm?id=7").get())])
        #expect(policy.steps.map(\.manualGate) == [false, true, false])
        #expect(policy.gate(after: 1)?.webhook?.host == "ci.example.com")
        #expect(policy.gate(after: 2) == nil)
        let rendered = PolicyParser.render(policy).rendered()
        #expect(rendered.contains(#""gate":{"webhook":"https://ci.example.com/confirm?id=7"}"#))
        #expect(try PolicyParser.parse(rendered).get() == policy)
    }

    // MARK: A tick at the gate

    /// A judge that always gives the same verdict.
    struct FixedJudge: Judge {
        var action: Verdict.Action
        func assess(_ input: JudgeInput, now: Int64) -> Assessment {
            let rule: Verdict.Rule = action == .advance ? .healthy : action == .hold ? .bake : .errorEvidence
            return Assessment(verdict: Verdict(action: action, rule: rule, reason: "judge says \(action)"),
                              memory: input.memory)
        }
    }

    static let url = try! WebhookURL.parse("https://ci.example.com/confirm").get()
    static let policy = Policy(migration: "m", baseline: "a", candidate: "b",
                               steps: [Step(weight: Weight(basisPoints: 500)),
                                       Step(weight: Weight(basisPoints: 5000), gate: .webhook(url)),
                                       Step(weight: Weight(basisPoints: 10_000))],
                               maxHold: .hours(1), onStuck: .rollback)

    static func status(_ phase: Phase, step: Int = 0) -> MigrationStatus {
        MigrationStatus(migration: "m", policyVersion: 1, phase: phase, step: step, revision: 4, stepStartedAt: 0,
                        updatedAt: 0, reason: "")
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var phase: Phase
        var judge: Verdict.Action
        var answer: GateAnswer?
        var elapsed: Int64 = 60_000
        /// The decision taken (nil: none) and the verdict's rule.
        var decision: Decision.Action?
        var phaseAfter: Phase
        var stepAfter: Int
        var rule: Verdict.Rule
        var reason: String
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "ramping, judge advances: waits at the gate", phase: .ramping, judge: .advance, answer: nil,
            decision: .wait, phaseAfter: .waiting, stepAfter: 0, rule: .healthy, reason: "judge says advance"),
        Row(name: "waiting, not asked yet: holds", phase: .waiting, judge: .advance, answer: nil,
            decision: nil, phaseAfter: .waiting, stepAfter: 0, rule: .gate,
            reason: "waiting for webhook gate ci.example.com before step 1 (50%): asked, no answer yet; "
                + "the judge would advance: judge says advance"),
        Row(name: "waiting, gate answered 503: holds and says so", phase: .waiting, judge: .advance,
            answer: GateAnswer(status: 503, detail: "release freeze"), decision: nil, phaseAfter: .waiting, stepAfter: 0,
            rule: .gate, reason: "waiting for webhook gate ci.example.com before step 1 (50%): last answer 503 "
                + "(release freeze); the judge would advance: judge says advance"),
        Row(name: "waiting, gate unreachable: holds", phase: .waiting, judge: .advance,
            answer: GateAnswer(status: nil, detail: "connection refused"), decision: nil, phaseAfter: .waiting,
            stepAfter: 0, rule: .gate, reason: "waiting for webhook gate ci.example.com before step 1 (50%): last "
                + "answer no answer (connection refused); the judge would advance: judge says advance"),
        Row(name: "waiting, gate answered 302: a redirect does not open it", phase: .waiting, judge: .advance,
            answer: GateAnswer(status: 302), decision: nil, phaseAfter: .waiting, stepAfter: 0, rule: .gate,
            reason: "waiting for webhook gate ci.example.com before step 1 (50%): last answer 302; "
                + "the judge would advance: judge says advance"),
        Row(name: "waiting, gate answered 200: enters the step", phase: .waiting, judge: .advance,
            answer: GateAnswer(status: 200, detail: "ok"), decision: .advance, phaseAfter: .ramping, stepAfter: 1,
            rule: .healthy, reason: "webhook gate ci.example.com answered 200 (ok); judge says advance"),
        Row(name: "waiting, gate open but the judge holds: holds", phase: .waiting, judge: .hold,
            answer: GateAnswer(status: 204), decision: nil, phaseAfter: .waiting, stepAfter: 0, rule: .bake,
            reason: "judge says hold"),
        Row(name: "waiting, gate open but the judge rolls back: rolls back", phase: .waiting, judge: .rollback,
            answer: GateAnswer(status: 200), decision: .rollback, phaseAfter: .rolledBack, stepAfter: 0,
            rule: .errorEvidence, reason: "judge says rollback"),
        Row(name: "waiting, gate closed past maxHold: onStuck rolls back", phase: .waiting, judge: .advance,
            answer: GateAnswer(status: 403), elapsed: 3_600_000, decision: .rollback, phaseAfter: .rolledBack,
            stepAfter: 0, rule: .maxHold,
            reason: "step 0 (5%) held for 1h without a decision (max hold 1h), rolling back; last check: waiting for "
                + "webhook gate ci.example.com before step 1 (50%): last answer 403; the judge would advance: judge says advance"),
        Row(name: "paused at the gate step: the answer changes nothing", phase: .paused, judge: .advance,
            answer: GateAnswer(status: 200), decision: nil, phaseAfter: .paused, stepAfter: 0, rule: .paused,
            reason: "paused by an operator; the judge would advance: judge says advance"),
    ]

    @Test("a tick at a webhook gate", arguments: rows)
    func tick(_ row: Row) {
        let state = JudgeState(lastSnapshot: .zero)
        let out = ControlTick.run(policy: Self.policy, status: Self.status(row.phase), state: state, snapshot: .zero,
                                  judge: FixedJudge(action: row.judge), gate: row.answer, now: row.elapsed)
        #expect(out.transition?.decision.action == row.decision)
        #expect((out.transition?.status.phase ?? row.phase) == row.phaseAfter)
        #expect((out.transition?.status.step ?? 0) == row.stepAfter)
        #expect(out.verdict.rule == row.rule)
        #expect(out.verdict.reason == row.reason)
        #expect(out.judge.lastVerdict == out.verdict)
        if row.decision == .wait {
            #expect(out.transition?.decision.reason
                    == "judge says advance; waiting for webhook gate ci.example.com before step 1 (50%)")
        }
    }

    @Test func anOpenAnswerNeverAdvancesWithoutTheJudgeOrAtAManualGate() {
        var manual = Self.policy
        manual.steps[1].gate = .manual
        let out = ControlTick.run(policy: manual, status: Self.status(.waiting), state: JudgeState(lastSnapshot: .zero),
                                  snapshot: .zero, judge: FixedJudge(action: .advance), gate: GateAnswer(status: 200),
                                  now: 60_000)
        #expect(out.transition == nil)
        // The state machine alone: an advance verdict while waiting moves only with gateOpen at a webhook gate.
        let verdict = Verdict(action: .advance, rule: .healthy, reason: "ok")
        #expect(StateMachine.judged(verdict, status: Self.status(.waiting), judge: .initial, policy: Self.policy,
                                    now: 1) == nil)
        #expect(StateMachine.judged(verdict, status: Self.status(.waiting), judge: .initial, policy: manual,
                                    gateOpen: true, now: 1) == nil)
        #expect(StateMachine.judged(verdict, status: Self.status(.waiting), judge: .initial, policy: Self.policy,
                                    gateOpen: true, now: 1)?.status.step == 1)
    }

    @Test func theQuestionDescribesWhereTheMigrationIsAndWhatTheGateOpens() {
        var status = Self.status(.waiting)
        status.reason = "judge says advance; waiting for webhook gate ci.example.com before step 1 (50%)"
        #expect(WebhookGate.question(status: status, policy: Self.policy, time: "2025-11-24T16:00:00.000Z",
                                     statusURL: "https://gp.example.com/migrations/m")
                == #"{"migration":"m","revision":4,"phase":"waiting","step":0,"weight":5,"nextStep":1,"nextWeight":50,"#
                + #""baseline":"a","candidate":"b","reason":"judge says advance; waiting for webhook gate "#
                + #"ci.example.com before step 1 (50%)","at":"2025-11-24T16:00:00.000Z","#
                + #""statusUrl":"https://gp.example.com/migrations/m"}"#)
    }
}
