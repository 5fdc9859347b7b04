import Foundation
import GlidepathCore

/// What one control-loop round did (tests and logs).
package struct RoundReport: Sendable, Equatable {
    /// Migrations judged this round.
    package var ticked: [String] = []
    /// Decisions taken (migration:action).
    package var decisions: [String] = []
    /// Migrations whose policy or arms changed while their counters were being fetched: not judged this
    /// round (the counts belong to the old arms).
    package var skipped: [String] = []
    /// Set when the metrics source failed: nobody was judged.
    package var sourceError: String?
    /// Migrations whose external metrics source failed: held, nothing judged.
    package var held: [String] = []
    package init() {}
}

/// The control loop's rounds on a `Controller`: which migrations are due, one metrics fetch for all of
/// them, a pure `ControlTick` per migration, and the outcome written through the controller.
package struct Ticker: Sendable {
    package let controller: Controller

    package init(controller: Controller) {
        self.controller = controller
    }

    /// What a due migration's counters were fetched for; the tick is skipped if it changed meanwhile.
    private struct Fetched {
        var name: String
        var policyVersion: Int
        var baseline: String
        var candidate: String
        var metrics: MetricsSpec
        var custom: [CounterRef]
        var interval: TimeSpan

        func query(due: Bool) -> MetricsQuery {
            MetricsQuery(migration: name, baseline: baseline, candidate: candidate, metrics: metrics, custom: custom,
                         interval: interval, due: due)
        }
    }

    /// One round at `now`: first retries writes left pending by a failing store, then reads the metrics
    /// once if any migration is due (its policy's `interval` has passed on the steady clock since its last
    /// tick), judges each due migration and persists the outcome — the judge state alone when nothing
    /// changed, the whole transition with its decision otherwise. Promoted and rolled-back migrations still
    /// tick (nothing is judged): their counter snapshot keeps up, so traffic seen while a migration was
    /// over never leaks into a restarted step.
    @discardableResult
    package func round(at now: TimeReading, source: any MetricsSource) -> RoundReport {
        let c = controller
        let started = SystemTimeSource.monotonicSeconds()
        var report = RoundReport()
        defer {
            c.metrics.controlLoopDuration.observe(SystemTimeSource.monotonicSeconds() - started, labels: [])
        }
        c.retryPending()
        // The status page's history samples each migration at its ticks (and every 10 s at least) from
        // the same fetch.
        let (due, sample) = c.lock.withLock { () -> ([Fetched], [Fetched]) in
            let all = c.table.entries.values.sorted { $0.name < $1.name }
            func fetched(_ e: MigrationEntry) -> Fetched {
                Fetched(name: e.name, policyVersion: e.status.policyVersion, baseline: e.policy.baseline,
                        candidate: e.policy.candidate, metrics: e.policy.metrics,
                        custom: e.policy.guards.custom.map(\.counter), interval: e.policy.interval)
            }
            let due = all.filter { e in
                guard let last = e.judge.lastTickAt else { return true }
                return now.steady.subtractingSaturating(last) >= e.policy.interval.milliseconds
            }
            let sample = all.filter { c.history.wantsSample($0.name, interval: $0.policy.interval, now: now.steady) }
            return (due.map(fetched), sample.map(fetched))
        }
        let dueNames = Set(due.map(\.name))
        let queried = due.map { $0.query(due: true) } + sample.filter { !dueNames.contains($0.name) }.map { $0.query(due: false) }
        if !queried.isEmpty {
            let snapshot: [String: MetricsReading]
            do {
                snapshot = try source.read(queried)
            } catch {
                c.metrics.sourceErrors.add(1, labels: [])
                Log.event(.controlLoop, .error, "control loop: metrics source failed, no migration judged this round: "
                    + "\(error)", [("detail", .string("\(error)"))])
                report.sourceError = "\(error)"
                return report
            }
            for s in sample {
                guard case .counts(let counts, _)? = snapshot[s.name] else { continue }
                c.history.record(s.name, arms: StatusHistory.ArmNames(baseline: s.baseline, candidate: s.candidate),
                                 counts: counts, at: now.steady)
            }
            for d in due {
                let counts: ArmPair, note: String?
                switch snapshot[d.name] {
                case nil:
                    Log.event(.controlLoop, .error, "control loop: no series for migration \(d.name) in the metrics; "
                        + "skipped", [("migration", .string(d.name))])
                    continue
                case .pending?: continue
                case .failed(let reason)?:
                    hold(d, reason: reason)
                    report.held.append(d.name)
                    continue
                case .counts(let c, let n)?: (counts, note) = (c, n)
                }
                switch tick(d, counts: counts, note: note, now: now) {
                case .skipped: report.skipped.append(d.name)
                case .judged(let action):
                    if let action { report.decisions.append("\(d.name):\(action)") }
                    report.ticked.append(d.name)
                }
            }
        }
        c.metrics.lastTick.set(Double(now.wall) / 1000, labels: [])
        c.markRoundCompleted()
        return report
    }

    private enum TickResult { case skipped, judged(String?) }

    /// A migration whose external source failed: nothing judged, nothing stored; its last verdict (what
    /// status shows) says it holds and why until a reading comes.
    private func hold(_ d: Fetched, reason: String) {
        let c = controller
        c.lock.withLock {
            guard let e = c.table.entries[d.name], e.status.policyVersion == d.policyVersion,
                  !e.status.phase.isTerminal else { return }
            var judge = e.judge
            judge.lastVerdict = Verdict(action: .hold, rule: .noData, reason: "holding: \(reason)",
                                        evidence: e.judge.lastVerdict?.evidence ?? [])
            c.table.updateJudge(d.name, judge)
        }
    }

    /// Judges one migration under the controller's lock.
    private func tick(_ d: Fetched, counts: ArmPair, note: String?, now: TimeReading) -> TickResult {
        let c = controller
        return c.lock.withLock { () -> TickResult in
            guard let e = c.table.entries[d.name] else { return .skipped }
            // A policy applied while the counters were fetched: they may be the old arms' counts.
            guard e.status.policyVersion == d.policyVersion, e.policy.baseline == d.baseline,
                  e.policy.candidate == d.candidate else { return .skipped }
            let gate = c.gateQuestion(e).flatMap { c.gates.answer(for: $0.key) }
            let outcome = ControlTick.run(policy: e.policy, status: e.status, state: e.judge, snapshot: counts,
                                          judge: e.policy.judge.makeJudge(), gate: gate,
                                          calendar: CalendarInput(wall: now.wall, zones: SystemTimeZones()),
                                          sourceNote: note, now: now.steady)
            var action: Decision.Action?
            if let t = outcome.transition {
                do throws(APIError) {
                    _ = try c.commitLocked(t, policy: e.policy, policySource: e.policySource, newPolicy: false, at: now)
                    action = t.decision.action
                } catch {
                    Log.event(.controlLoop, .error, "control loop: migration \(d.name): \(t.decision.action.rawValue) "
                        + "not taken: \(error.message)",
                        [("migration", .string(d.name)), ("action", .string(t.decision.action.rawValue)),
                         ("detail", .string(error.message))])
                    return .judged(nil)
                }
            } else {
                // A finished migration only tracks its counter snapshot (so a later `restart` starts from
                // fresh evidence): memory is enough, and it keeps fsyncs off the loop for every migration
                // ever finished. A migration with changes pending is not written either: its status row
                // must not get ahead of the decisions still waiting to be written.
                if !e.status.phase.isTerminal && c.pending[d.name] == nil {
                    do {
                        try c.store.save(StoreChange(status: e.status, judge: outcome.judge,
                                                     notifications: c.stuckNotifications(outcome.verdict, entry: e,
                                                                                          wall: now.wall)))
                        c.storeHealth.succeeded()
                    } catch {
                        c.storeHealth.failed(.judgeState, error, migration: d.name)
                        return .judged(nil)
                    }
                }
                c.table.updateJudge(d.name, outcome.judge)
            }
            if let current = c.table.entries[d.name] { c.askGate(current, wall: now.wall) }
            publishStuck(d.name, now: now.steady)
            publishNoData(d.name, verdict: outcome.verdict)
            return .judged(action?.rawValue)
        }
    }

    /// `glidepath_step_stuck`: 1 while a live step has been held longer than the policy's `maxHold`.
    private func publishStuck(_ name: String, now: Int64) {
        guard let e = controller.table.entries[name] else { return }
        var stuck = false
        if let hold = e.policy.maxHold, !e.status.phase.isTerminal {
            stuck = now.subtractingSaturating(e.status.stepStartedAt) >= hold.milliseconds
        }
        controller.metrics.stepStuck.set(stuck ? 1 : 0, labels: [name])
    }

    /// `glidepath_no_data`: 1 while the last verdict reports the candidate idle for `noDataAfter` (the
    /// `exposure/no_data` evidence `NoDataCheck` adds to every verdict when the policy sets it).
    private func publishNoData(_ name: String, verdict: Verdict) {
        guard let e = controller.table.entries[name] else { return }
        var flag = verdict.evidence.value(.exposure, .noData) ?? 0
        if e.status.phase.isTerminal { flag = 0 }
        controller.metrics.noData.set(flag, labels: [name])
    }
}

extension Controller {
    /// One control-loop round with both clocks at `now` (tests); see `Ticker.round(at:source:)`.
    @discardableResult
    package func runOnce(now: Int64, source: any MetricsSource) -> RoundReport {
        Ticker(controller: self).round(at: TimeReading(now), source: source)
    }

    /// One control-loop round at `now`; see `Ticker.round(at:source:)`.
    @discardableResult
    package func runOnce(at now: TimeReading, source: any MetricsSource) -> RoundReport {
        Ticker(controller: self).round(at: now, source: source)
    }
}
