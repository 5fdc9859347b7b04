/// What one tick produced for one migration.
package struct TickOutcome: Sendable {
    /// The judge state to persist (always changes: evidence, last tick time).
    package var judge: JudgeState
    /// The verdict of this tick.
    package var verdict: Verdict
    /// A change of state, if the verdict caused one (it already carries the reset judge state).
    package var transition: Transition?

    package init(judge: JudgeState, verdict: Verdict, transition: Transition?) {
        self.judge = judge
        self.verdict = verdict
        self.transition = transition
    }
}

/// One control-loop tick for one migration, pure: increments from the cumulative counters
/// (a drop means the source restarted and the new value is the increment), step evidence, the judge,
/// the state machine. The control loop and the simulator both call this.
package enum ControlTick {
    /// Runs one tick.
    ///
    /// - Increments are taken against `state.lastSnapshot` and added to the step's evidence;
    ///   `lastSnapshot`, `lastTickAt` and (when either arm saw a request) `lastDataAt` move on, and
    ///   `lastCandidateAt` when the candidate saw one.
    /// - Without a snapshot (the first tick of a migration, or the first after its arms were renamed)
    ///   the tick only takes one and judges nothing: a hold under rule `snapshot`. Counters already
    ///   there (an arm renamed back to a name with old failures, a scraped source that ran before the
    ///   migration) are not evidence; evidence counts from the next tick's increments.
    /// - `noDataAfter` (`NoDataCheck`): a candidate idle that long holds under rule `no-data`, whatever the judge.
    /// - Terminal phases are not judged (verdict hold, rule `terminal`; `lastVerdict` keeps the verdict
    ///   that ended the migration).
    /// - Paused: the judge runs and its memory is kept, but the verdict is a hold under rule `paused`
    ///   whose reason says what the judge would have done.
    /// - `maxHold`: a ramping or waiting step older than `policy.maxHold` whose verdict is a hold either
    ///   rolls back (`onStuck: rollback`, rule `max-hold`) or stays held under rule `stuck`.
    /// - The verdict is stored in `lastVerdict` of the returned judge state, which is the transition's
    ///   (reset for the new step) when the verdict changed the state.
    /// - Waiting at a webhook gate (`gate` is its last answer, nil before one came): the judge's advance
    ///   enters the next step only on a 2xx answer, else holds under rule `gate` (`WebhookGate.apply`).
    /// - The calendar (`calendar`: the wall time and the zones; nil ignores it): an advance outside the policy's
    ///   `schedule` or before the next step's `notBefore` holds under rule `schedule` (`CalendarGate`).
    ///   Rollbacks are never delayed.
    /// - `sourceNote` (what an external metrics source read, e.g. `metrics: scrape of 3 targets: 2 up, 1 down`)
    ///   is appended to the verdict's reason, so the decision record says where its numbers came from.
    package static func run(policy: Policy, status: MigrationStatus, state: JudgeState, snapshot: ArmPair,
                           judge: any Judge, gate: GateAnswer? = nil, calendar: CalendarInput? = nil,
                           sourceNote: String? = nil, now: Int64) -> TickOutcome {
        let increment = state.lastSnapshot.map { snapshot.increment(since: $0) } ?? .zero
        var next = state
        next.step.merge(increment)
        next.lastSnapshot = snapshot
        next.lastTickAt = now
        if increment.totalRequests > 0 { next.lastDataAt = now }
        if increment.candidate.requests > 0 { next.lastCandidateAt = now }

        if status.phase.isTerminal {
            // Only the snapshot moves on; the last verdict (the one that ended the migration) stays.
            let verdict = Verdict(action: .hold, rule: .terminal,
                                  reason: "the migration is \(status.phase == .promoted ? "promoted" : "rolled back"); "
                                      + "nothing to judge")
            return TickOutcome(judge: next, verdict: verdict, transition: nil)
        }

        if state.lastSnapshot == nil {
            let verdict = Verdict(action: .hold, rule: .snapshot,
                                  reason: "first tick for \(policy.baseline) → \(policy.candidate) at "
                                      + "\(ReasonFormat.step(status.step, policy)): counter snapshot taken; evidence "
                                      + "counts from the next tick" + (sourceNote.map { "; \($0)" } ?? ""))
            next.lastVerdict = verdict
            return TickOutcome(judge: next, verdict: verdict, transition: nil)
        }

        let assessment = judge.assess(JudgeInput(policy: policy, status: status, step: next.step, tick: increment,
                                                 memory: next.memory), now: now)
        next.memory = assessment.memory
        var verdict = NoDataCheck.apply(assessment.verdict, policy: policy, status: status,
                                        lastCandidateAt: next.lastCandidateAt, now: now)
        if let sourceNote { verdict.reason += "; \(sourceNote)" }
        var gateOpen = false
        if status.phase == .waiting, let url = policy.gate(after: status.step)?.webhook {
            verdict = WebhookGate.apply(verdict, url: url, answer: gate, nextStep: status.step + 1, policy: policy)
            gateOpen = verdict.action == .advance
        }
        if status.phase == .paused {
            verdict = Verdict(action: .hold, rule: .paused,
                              reason: "paused by an operator; the judge would \(wouldDo(verdict.action)): "
                                  + verdict.reason,
                              evidence: verdict.evidence)
        } else if verdict.action == .hold, let maxHold = policy.maxHold,
                  now.subtractingSaturating(status.stepStartedAt) >= maxHold.milliseconds {
            let held = "\(ReasonFormat.step(status.step, policy)) held for "
                + "\(ReasonFormat.duration(milliseconds: now.subtractingSaturating(status.stepStartedAt))) "
                + "without a decision "
                + "(max hold \(ReasonFormat.duration(maxHold)))"
            switch policy.onStuck {
            case .rollback:
                verdict = Verdict(action: .rollback, rule: .maxHold,
                                  reason: "\(held), rolling back; last check: \(verdict.reason)",
                                  evidence: verdict.evidence)
            case .hold:
                verdict = Verdict(action: .hold, rule: .stuck,
                                  reason: "\(held), still holding; last check: \(verdict.reason)",
                                  evidence: verdict.evidence)
            }
        }

        // Ramping, or at a webhook gate that opened (a manual gate waits for an operator anyway).
        if verdict.action == .advance, status.phase == .ramping || gateOpen, let calendar {
            verdict = CalendarGate.apply(verdict, policy: policy, status: status, calendar: calendar)
            if verdict.action != .advance { gateOpen = false }
        }

        if var transition = StateMachine.judged(verdict, status: status, judge: next, policy: policy,
                                                gateOpen: gateOpen, now: now) {
            transition.judge.lastVerdict = verdict
            return TickOutcome(judge: transition.judge, verdict: verdict, transition: transition)
        }
        next.lastVerdict = verdict
        return TickOutcome(judge: next, verdict: verdict, transition: nil)
    }

    private static func wouldDo(_ action: Verdict.Action) -> String {
        switch action {
        case .advance: "advance"
        case .hold: "hold"
        case .rollback: "roll back"
        }
    }
}
