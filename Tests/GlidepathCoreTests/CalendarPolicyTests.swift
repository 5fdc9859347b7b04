import Testing
@testable import GlidepathCore

/// `schedule` and `steps[].notBefore` in policies, and the control tick holding advances outside them.
@Suite struct CalendarPolicyTests {
    static func source(_ extra: String, steps: String = #"[{"weight": 10, "bake": "1m"}, {"weight": 100}]"#) -> String {
        #"{"migration": "chat", "baseline": "a", "candidate": "b", "steps": \#(steps)\#(extra)}"#
    }

    static func problems(_ source: String) -> [String] {
        switch PolicyParser.parse(source, zones: FakeZones()) {
        case .success: []
        case .failure(let e): e.problems.map { "\($0.path): \($0.message)" }
        }
    }

    @Test("schedule and notBefore mistakes name their path", arguments: [
        (#", "schedule": {"timezone": "Mars/Olympus"}"#, #"[{"weight": 100}]"#,
         #"schedule.timezone: unknown time zone "Mars/Olympus"; use an IANA name from the system's tz database such as "Asia/Bangkok" or "UTC""#),
        (#", "schedule": {"timezone": "Asia/Bangkok", "advance": [{"hours": "09:00-17:00"}]}"#, #"[{"weight": 100}]"#,
         #"schedule.advance[0].days: missing required key "days""#),
        (#", "schedule": {"timezone": "UTC", "advance": [{"days": "Mon-Fry", "hours": "09:00-17:00"}]}"#, #"[{"weight": 100}]"#,
         #"schedule.advance[0].days: must be days like "Mon-Fri", "Sat,Sun" or "Mon" (Mon Tue Wed Thu Fri Sat Sun), found "Mon-Fry""#),
        (#", "schedule": {"timezone": "UTC", "blackout": [{"hours": "9-11"}]}"#, #"[{"weight": 100}]"#,
         #"schedule.blackout[0].hours: must be a span like "09:00-17:00" or "22:00-02:00" (across midnight), HH:MM from 00:00 to 24:00, start and end different, found "9-11""#),
        (#", "schedule": {"timezone": "UTC", "advance": []}"#, #"[{"weight": 100}]"#,
         "schedule.advance: must have 1 to 32 windows, found 0"),
        (#", "schedule": {"timezone": "UTC", "blackout": [{"hours": "00:00-24:00"}]}"#, #"[{"weight": 100}]"#,
         "schedule: the blackouts cover every advance window: no advance could ever happen"),
        (#", "schedule": {"timezone": "UTC", "advance": [{"days": "Sat", "hours": "10:00-11:00"}], "blackout": [{"days": "Sat,Sun", "hours": "08:00-12:00"}]}"#,
         #"[{"weight": 100}]"#, "schedule: the blackouts cover every advance window: no advance could ever happen"),
        (#", "schedule": {"timezone": "UTC", "hours": "09:00-17:00"}"#, #"[{"weight": 100}]"#,
         #"schedule.hours: unknown key "hours"; expected one of "timezone", "advance", "blackout""#),
        ("", #"[{"weight": 10}, {"weight": 100, "notBefore": "2026-12-14"}]"#,
         #"steps[1].notBefore: must be an RFC 3339 time with an offset such as "2026-12-14T00:00:00+07:00", found "2026-12-14""#),
        ("", #"[{"weight": 10}, {"weight": 100, "notBefore": "2026-12-14T00:00:00"}]"#,
         #"steps[1].notBefore: must be an RFC 3339 time with an offset such as "2026-12-14T00:00:00+07:00", found "2026-12-14T00:00:00""#),
        ("", #"[{"weight": 10, "notBefore": "2026-12-14T00:00:00Z"}, {"weight": 100}]"#,
         "steps[0].notBefore: the first step starts when the policy is applied; put notBefore on a later step"),
    ])
    func problem(extra: String, steps: String, message: String) {
        #expect(Self.problems(Self.source(extra, steps: steps)) == [message])
    }

    @Test func aCalendarPolicyParsesAndRendersBack() throws {
        let text = Self.source(#", "schedule": {"timezone": "Asia/Bangkok", "advance": [{"days": "Mon-Fri", "hours": "09:00-17:00"}], "blackout": [{"hours": "09:00-11:00"}, {"days": "Sat,Sun", "hours": "22:00-02:00"}]}"#,
                               steps: #"[{"weight": 5, "bake": "2d"}, {"weight": 20, "bake": "1w", "notBefore": "2026-12-14T00:00:00+07:00"}, {"weight": 100}]"#)
        let policy = try PolicyParser.parse(text, zones: FakeZones()).get()
        let schedule = try #require(policy.schedule)
        #expect(schedule.timezone == "Asia/Bangkok")
        #expect(schedule.advance.map(\.days) == [Set(0...4)])
        #expect(schedule.blackout.map(\.start) == [540, 1320])
        #expect(policy.steps[1].notBefore == NotBefore(wall: 1_797_181_200_000, text: "2026-12-14T00:00:00+07:00"))
        #expect(policy.steps[1].bake == .days(7))
        let rendered = PolicyParser.render(policy).rendered()
        #expect(rendered.contains(#""notBefore":"2026-12-14T00:00:00+07:00""#))
        #expect(rendered.contains(#""schedule":{"timezone":"Asia/Bangkok","advance":[{"days":"Mon-Fri","hours":"09:00-17:00"}],"blackout":[{"hours":"09:00-11:00"},{"days":"Sat,Sun","hours":"22:00-02:00"}]}"#))
        #expect(try PolicyParser.parse(rendered, zones: FakeZones()).get() == policy)
        // Without a resolver only the spelling is checked.
        #expect((try? PolicyParser.parse(text).get()) == policy)
    }

    // MARK: the control tick

    static let healthy = ArmPair(baseline: Fixture.arm(100, errors: 1), candidate: Fixture.arm(100, errors: 1))

    struct Run {
        var policy: Policy
        var status: MigrationStatus
        var state: JudgeState
        var snapshot = ArmPair.zero
        var last: TickOutcome?
        /// Wall time of steady 0.
        var wallStart: Int64

        init(_ policy: Policy, wallStart: Int64) {
            self.policy = policy
            let t = StateMachine.start(policy: policy, policyVersion: 1, now: 0)
            status = t.status
            state = t.judge
            state.lastSnapshot = snapshot
            self.wallStart = wallStart
        }

        /// Ticks every 10 s of steady time until `until` (steady), or until the step changes.
        mutating func run(until: Int64) {
            var now = (state.lastTickAt ?? 0) + 10_000
            let step = status.step
            while now <= until, status.step == step, !status.phase.isTerminal {
                snapshot += CalendarPolicyTests.healthy
                let out = ControlTick.run(policy: policy, status: status, state: state, snapshot: snapshot,
                                          judge: ThresholdJudge(),
                                          calendar: CalendarInput(wall: wallStart + now, zones: FakeZones()), now: now)
                if let t = out.transition { status = t.status }
                state = out.judge
                last = out
                now += 10_000
            }
        }
    }

    static func policy(_ extra: String, steps: String) throws -> Policy {
        try PolicyParser.parse(#"{"migration": "chat", "baseline": "a", "candidate": "b", "minRequests": 10, "steps": \#(steps)\#(extra)}"#,
                               zones: FakeZones()).get()
    }

    /// Friday 16:50 in Bangkok, business hours with a 9-11 blackout: the 20-minute bake ends after 17:00,
    /// so the step waits the weekend and the Monday peak, and advances at Monday 11:00.
    @Test func holdsOutsideTheWindowAndAdvancesInsideIt() throws {
        let policy = try Self.policy(#", "schedule": {"timezone": "Asia/Bangkok", "advance": [{"days": "Mon-Fri", "hours": "09:00-17:00"}], "blackout": [{"hours": "09:00-11:00"}]}"#,
                                     steps: #"[{"weight": 10, "bake": "20m"}, {"weight": 100}]"#)
        let start = CalendarTests.utc("2026-12-11T16:50:00+07:00")
        var run = Run(policy, wallStart: start)
        run.run(until: 30 * 60_000)
        #expect(run.status.step == 0)
        #expect(run.last?.verdict.rule == .schedule)
        #expect(run.last?.verdict.reason.hasPrefix(
            "waiting for the advance window (opens in 2d17h40m, 2026-12-14 11:00 Asia/Bangkok); the judge would advance: ") == true)
        // Monday 10:59: still the blackout.
        let monday1059 = CalendarTests.utc("2026-12-14T10:59:00+07:00") - start
        run.run(until: monday1059)
        #expect(run.status.step == 0)
        #expect(run.last?.verdict.reason.hasPrefix("waiting for the advance window (opens in 1m, 2026-12-14 11:00") == true)
        run.run(until: monday1059 + 120_000)
        #expect(run.status.step == 1)
        #expect(run.status.stepStartedAt - monday1059 <= 70_000 && run.status.stepStartedAt > monday1059)
    }

    @Test func aRollbackIsNeverDelayed() throws {
        let policy = try Self.policy(#", "schedule": {"timezone": "UTC", "advance": [{"days": "Mon", "hours": "09:00-10:00"}]}"#,
                                     steps: #"[{"weight": 10, "bake": "1m"}, {"weight": 100}]"#)
        var run = Run(policy, wallStart: CalendarTests.utc("2026-12-12T12:00:00Z"))  // a Saturday
        run.snapshot = .zero
        let bad = ArmPair(baseline: Fixture.arm(100, errors: 0), candidate: Fixture.arm(100, errors: 60))
        var now: Int64 = 0
        while !run.status.phase.isTerminal, now < 600_000 {
            now += 10_000
            run.snapshot += bad
            let out = ControlTick.run(policy: policy, status: run.status, state: run.state, snapshot: run.snapshot,
                                      judge: ThresholdJudge(),
                                      calendar: CalendarInput(wall: run.wallStart + now, zones: FakeZones()), now: now)
            if let t = out.transition { run.status = t.status }
            run.state = out.judge
        }
        #expect(run.status.phase == .rolledBack)
    }

    @Test func notBeforeHoldsTheNextStepUntilItsTime() throws {
        let policy = try Self.policy("", steps: #"[{"weight": 5, "bake": "1m"}, {"weight": 20, "notBefore": "2026-12-14T00:00:00+07:00"}, {"weight": 100}]"#)
        // Sunday 2026-12-13 23:00 in Bangkok: an hour before step 1 may start.
        let start = CalendarTests.utc("2026-12-13T23:00:00+07:00")
        var run = Run(policy, wallStart: start)
        run.run(until: 30 * 60_000)
        #expect(run.status.step == 0)
        #expect(run.last?.verdict.rule == .schedule)
        #expect(run.last?.verdict.reason.hasPrefix(
            "waiting until 2026-12-14T00:00:00+07:00 (notBefore of step 1 (20%), in 30m); the judge would advance: ") == true)
        run.run(until: 61 * 60_000)
        #expect(run.status.step == 1)
        #expect(run.status.stepStartedAt >= 60 * 60_000)
    }

    @Test func withoutACalendarInputTheScheduleIsNotConsulted() throws {
        let policy = try Self.policy(#", "schedule": {"timezone": "UTC", "advance": [{"days": "Mon", "hours": "09:00-10:00"}]}"#,
                                     steps: #"[{"weight": 10, "bake": "1m"}, {"weight": 100}]"#)
        let status = MigrationStatus(migration: "chat", policyVersion: 1, phase: .ramping, step: 0, revision: 1,
                                     stepStartedAt: 0, updatedAt: 0, reason: "")
        let v = Verdict(action: .advance, rule: .healthy, reason: "ok")
        let saturday = CalendarInput(wall: CalendarTests.utc("2026-12-12T12:00:00Z"), zones: FakeZones())
        #expect(CalendarGate.apply(v, policy: policy, status: status, calendar: saturday).rule == .schedule)
        let monday = CalendarInput(wall: CalendarTests.utc("2026-12-14T09:30:00Z"), zones: FakeZones())
        #expect(CalendarGate.apply(v, policy: policy, status: status, calendar: monday) == v)
    }
}
