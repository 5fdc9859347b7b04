/// Holds a judge's advance that the calendar does not allow yet: before the next step's `notBefore`, or
/// outside the policy's `schedule` (its advance windows, its blackouts). Pure: the wall time and the zone
/// rules come in `CalendarInput`.
package enum CalendarGate {
    /// What stops an advance at `wall`, or nil when nothing does.
    package enum Wait: Hashable, Sendable {
        /// Until the next step's `notBefore`.
        case notBefore(NotBefore, step: Int)
        /// Outside the schedule; `opensAt` nil when no window opens within `Schedule.lookahead`.
        case window(opensAt: Int64?)
        /// The schedule's zone is not in this system's tz database (advances wait; rollbacks do not).
        case unknownZone(String)
    }

    package static func wait(policy: Policy, status: MigrationStatus, calendar: CalendarInput) -> Wait? {
        let next = status.step + 1
        if policy.steps.indices.contains(next), let nb = policy.steps[next].notBefore, calendar.wall < nb.wall {
            return .notBefore(nb, step: next)
        }
        guard let schedule = policy.schedule else { return nil }
        guard let rules = calendar.zones.rules(named: schedule.timezone) else { return .unknownZone(schedule.timezone) }
        if schedule.allows(wall: calendar.wall, rules: rules) { return nil }
        return .window(opensAt: schedule.nextOpening(after: calendar.wall, rules: rules))
    }

    /// `verdict` (an advance) unchanged when the calendar allows it, else a hold under rule `schedule` whose
    /// reason says what it waits for and that the judge would advance.
    package static func apply(_ verdict: Verdict, policy: Policy, status: MigrationStatus,
                              calendar: CalendarInput) -> Verdict {
        guard verdict.action == .advance, let wait = wait(policy: policy, status: status, calendar: calendar) else {
            return verdict
        }
        return Verdict(action: .hold, rule: .schedule,
                       reason: "\(sentence(wait, policy: policy, calendar: calendar)); the judge would advance: "
                           + verdict.reason,
                       evidence: verdict.evidence)
    }

    /// `waiting for the advance window (opens in 2h10m, 2026-12-07 09:00 Asia/Bangkok)`,
    /// `waiting until 2026-12-14T00:00:00+07:00 (notBefore of step 2 (20%))`.
    package static func sentence(_ wait: Wait, policy: Policy, calendar: CalendarInput) -> String {
        switch wait {
        case .notBefore(let nb, let step):
            return "waiting until \(nb.text) (notBefore of \(ReasonFormat.step(step, policy)), in "
                + "\(span(nb.wall - calendar.wall)))"
        case .window(let opensAt?):
            guard let schedule = policy.schedule, let rules = calendar.zones.rules(named: schedule.timezone) else {
                return "waiting for the advance window"
            }
            let local = opensAt + Int64(rules.offsetSeconds(atUTC: opensAt)) * 1000
            return "waiting for the advance window (opens in \(span(opensAt - calendar.wall)), "
                + "\(CivilTime.localText(localMilliseconds: local)) \(schedule.timezone))"
        case .window(nil):
            return "waiting for the advance window (none opens in the next 8 days: check schedule.blackout)"
        case .unknownZone(let name):
            return "waiting for the advance window: time zone \(jsonQuoted(name)) is not in this system's tz database"
        }
    }

    /// `2h10m`, rounded up to the minute (`1m` at least).
    static func span(_ milliseconds: Int64) -> String {
        TimeSpan(milliseconds: max(1, (milliseconds + 59_999) / 60_000) * 60_000).description
    }
}
