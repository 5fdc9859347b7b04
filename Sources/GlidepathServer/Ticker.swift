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
/// them, a pure `ControlTick` per migration, and the outcome written through the controller: transitions
/// one by one (each with its decision), every other judge state of the round in one store transaction.
package struct Ticker: Sendable {
    package let controller: Controller
    /// Shifts each migration's grid by a hash of its name (`phase(of:interval:)`), so the migrations that
    /// share an interval are spread over it: a round judges about N × period / interval of them instead of
    /// all N at once. Each migration still ticks once per interval, on a grid of its own. Off, every
    /// migration with the same interval is due in the same round (tests read their ticks off one grid).
    package let spread: Bool

    package init(controller: Controller, spread: Bool = false) {
        self.controller = controller
        self.spread = spread
    }

    /// What a due migration's counters were fetched for; the tick is skipped if it changed meanwhile.
    private struct Fetched {
        var name: String
        var policyVersion: Int
        var baseline: String
        var candidate: String
        var interval: TimeSpan
        var metrics: MetricsSpec
        var custom: [CounterRef]

        init(_ e: MigrationEntry) {
            name = e.name
            policyVersion = e.status.policyVersion
            baseline = e.policy.baseline
            candidate = e.policy.candidate
            interval = e.policy.interval
            metrics = e.policy.metrics
            custom = e.policy.guards.custom.map(\.counter)
        }

        func query(due: Bool) -> MetricsQuery {
            MetricsQuery(migration: name, baseline: baseline, candidate: candidate, metrics: metrics, custom: custom,
                         interval: interval, due: due)
        }
    }

    /// A tick that changed nothing but the judge state: written with the round's others in one batch.
    private struct Held {
        var name: String
        var judge: JudgeState
        var verdict: Verdict
        /// nil when only memory changes (a migration with decisions still pending, one that ended while
        /// its counters were fetched, or a tick that only moved the tick time and verdict).
        var change: StoreChange?
    }

    /// True when a migration last ticked at `lastTick` is due at steady time `now`: it never ticked, or
    /// the steady clock crossed a line of its grid since (the multiples of its interval, shifted by
    /// `phase`). Ticks fall on the grid, so none waits longer than its interval plus a round, and late
    /// rounds do not drift the next tick.
    package static func isDue(lastTick: Int64?, interval: Int64, now: Int64, phase: Int64 = 0) -> Bool {
        guard let last = lastTick else { return true }
        let i = max(1, interval)
        let p = (phase % i + i) % i
        return floorDivide(now.subtractingSaturating(p), i) > floorDivide(last.subtractingSaturating(p), i)
    }

    /// Where in its interval a migration's grid lines fall when rounds are spread: a stable hash of its
    /// name (FNV-1a 64, then SplitMix64's finaliser), in [0, interval). The same on every start, so a
    /// restart keeps each migration's tick times.
    package static func phase(of name: String, interval: Int64) -> Int64 {
        guard interval > 1 else { return 0 }
        return Int64(Bucketing.mix64(Bucketing.fnv1a64(name.utf8)) % UInt64(interval))
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// One round at `now`: first retries writes left pending by a failing store, then reads the metrics
    /// of the due migrations once (`isDue`), judges each and persists the outcome — the whole transition
    /// with its decision when the verdict changed the state, else the judge state, all of this round's in
    /// one transaction. Promoted and rolled-back migrations are not read at all (a `restart` takes a new
    /// counter snapshot at its first tick, so traffic seen while a migration was over never leaks into
    /// the restarted step).
    @discardableResult
    package func round(at now: TimeReading, source: any MetricsSource) -> RoundReport {
        let c = controller
        let started = SystemTimeSource.monotonicSeconds()
        var report = RoundReport()
        c.retryPending()
        let (due, sample) = select(now: now.steady)
        let dueNames = Set(due.map(\.name))
        let queried = due.map { $0.query(due: true) } + sample.filter { !dueNames.contains($0.name) }.map { $0.query(due: false) }
        defer {
            let took = SystemTimeSource.monotonicSeconds() - started
            c.metrics.controlLoopDuration.observe(took, labels: [])
            if !queried.isEmpty { c.metrics.controlLoopBusyRound.observe(took, labels: []) }
        }
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
            judge(due, snapshot: snapshot, now: now, report: &report)
        }
        c.metrics.lastTick.set(Double(now.wall) / 1000, labels: [])
        c.markRoundCompleted()
        return report
    }

    /// The due live migrations (by name) and the ones the status history wants a sample of: the due
    /// ones at their tick, and between ticks only the few it keeps a history for.
    private func select(now: Int64) -> (due: [Fetched], sample: [Fetched]) {
        let c = controller
        return c.lock.withLock {
            var due: [Fetched] = []
            for (name, slot) in c.table.schedule where slot.live {
                if Self.isDue(lastTick: slot.lastTickAt, interval: slot.interval, now: now, phase: spread ? slot.phase : 0),
                   let e = c.table.entries[name] {
                    due.append(Fetched(e))
                }
            }
            due.sort { $0.name < $1.name }
            var sample = due.filter { c.history.wantsSample($0.name, interval: $0.interval, now: now) }
            let dueNames = Set(due.map(\.name))
            for name in c.history.trackedMigrations().sorted() where !dueNames.contains(name) {
                guard let e = c.table.entries[name], !e.status.phase.isTerminal,
                      c.history.wantsSample(name, interval: e.policy.interval, now: now) else { continue }
                sample.append(Fetched(e))
            }
            return (due, sample)
        }
    }

    /// Judges the due migrations under the controller's lock, then writes the judge states of those
    /// that only held in one batch.
    private func judge(_ due: [Fetched], snapshot: [String: MetricsReading], now: TimeReading, report: inout RoundReport) {
        let c = controller
        c.lock.withLock {
            var held: [Held] = []
            for d in due {
                let counts: ArmPair, note: String?
                switch snapshot[d.name] {
                case nil:
                    Log.event(.controlLoop, .error, "control loop: no series for migration \(d.name) in the metrics; "
                        + "skipped", [("migration", .string(d.name))])
                    continue
                case .pending?: continue
                case .failed(let reason)?:
                    holdLocked(d, reason: reason)
                    report.held.append(d.name)
                    continue
                case .counts(let c, let n)?: (counts, note) = (c, n)
                }
                switch tickLocked(d, counts: counts, note: note, now: now) {
                case .skipped: report.skipped.append(d.name)
                case .judged(let action):
                    if let action { report.decisions.append("\(d.name):\(action)") }
                    report.ticked.append(d.name)
                case .held(let h):
                    held.append(h)
                    report.ticked.append(d.name)
                }
            }
            let unwritten = writeLocked(held.compactMap(\.change))
            for h in held where !unwritten.contains(h.name) {
                c.table.updateJudge(h.name, h.judge)
                finishLocked(h.name, verdict: h.verdict, now: now)
            }
        }
    }

    /// Writes a round's judge states in one transaction; returns the migrations whose state was not
    /// written (they keep their previous state in memory too, so the next tick takes the same increments
    /// again). A refusal of one change (not an I/O failure) falls back to one write per change, so one
    /// bad row never keeps the others unwritten. Caller holds the controller's lock.
    private func writeLocked(_ changes: [StoreChange]) -> Set<String> {
        let c = controller
        guard !changes.isEmpty else { return [] }
        do {
            try c.store.save(batch: changes)
            c.storeHealth.succeeded()
            return []
        } catch is MigrationStoreError where changes.count > 1 {
            var unwritten: Set<String> = []
            for change in changes {
                do {
                    try c.store.save(change)
                    c.storeHealth.succeeded()
                } catch {
                    c.storeHealth.failed(.judgeState, error, migration: change.status.migration)
                    unwritten.insert(change.status.migration)
                }
            }
            return unwritten
        } catch {
            c.storeHealth.failed(.judgeState, error, migration: changes.count == 1 ? changes[0].status.migration : nil)
            return Set(changes.map(\.status.migration))
        }
    }

    private enum TickResult { case skipped, judged(String?), held(Held) }

    /// A migration whose external source failed: nothing judged, nothing stored; its last verdict (what
    /// status shows) says it holds and why until a reading comes. Caller holds the controller's lock.
    private func holdLocked(_ d: Fetched, reason: String) {
        let c = controller
        guard let e = c.table.entries[d.name], e.status.policyVersion == d.policyVersion,
              !e.status.phase.isTerminal else { return }
        var judge = e.judge
        judge.lastVerdict = Verdict(action: .hold, rule: .noData, reason: "holding: \(reason)",
                                    evidence: e.judge.lastVerdict?.evidence ?? [])
        c.table.updateJudge(d.name, judge)
    }

    /// Judges one migration; a transition is committed at once, a hold is returned for the batch.
    /// Caller holds the controller's lock.
    private func tickLocked(_ d: Fetched, counts: ArmPair, note: String?, now: TimeReading) -> TickResult {
        let c = controller
        guard let e = c.table.entries[d.name] else { return .skipped }
        // A policy applied while the counters were fetched: they may be the old arms' counts.
        guard e.status.policyVersion == d.policyVersion, e.policy.baseline == d.baseline,
              e.policy.candidate == d.candidate else { return .skipped }
        let gate = c.gateQuestion(e).flatMap { c.gates.answer(for: $0.key) }
        let outcome = ControlTick.run(policy: e.policy, status: e.status, state: e.judge, snapshot: counts,
                                      judge: e.policy.judge.makeJudge(), gate: gate,
                                      calendar: CalendarInput(wall: now.wall, zones: SystemTimeZones()),
                                      sourceNote: note, now: now.steady)
        guard let t = outcome.transition else {
            // A migration with changes pending is not written: its status row must not get ahead of the
            // decisions still waiting to be written. One that ended meanwhile only moves its snapshot.
            // A tick that only moved the tick time and the verdict (no new data, the judge's memory as it
            // was) is not written either: after a restart the stored, older tick time makes the migration
            // due at once, and that tick computes the same verdict again. Idle migrations cost no write.
            var change: StoreChange?
            if !e.status.phase.isTerminal, c.pending[d.name] == nil {
                let notifications = c.stuckNotifications(outcome.verdict, entry: e, wall: now.wall)
                if !notifications.isEmpty || !Self.onlyTickMoved(from: e.judge, to: outcome.judge) {
                    change = StoreChange(status: e.status, judge: outcome.judge, notifications: notifications)
                }
            }
            return .held(Held(name: d.name, judge: outcome.judge, verdict: outcome.verdict, change: change))
        }
        do throws(APIError) {
            _ = try c.commitLocked(t, policy: e.policy, policySource: e.policySource, newPolicy: false, at: now)
        } catch {
            Log.event(.controlLoop, .error, "control loop: migration \(d.name): \(t.decision.action.rawValue) "
                + "not taken: \(error.message)",
                [("migration", .string(d.name)), ("action", .string(t.decision.action.rawValue)),
                 ("detail", .string(error.message))])
            return .judged(nil)
        }
        finishLocked(d.name, verdict: outcome.verdict, now: now)
        return .judged(t.decision.action.rawValue)
    }

    /// True when `new` differs from `old` only in the tick time, the last verdict and the sequential
    /// judge's tick count (which only says whether its memory has started: both counts above zero): what
    /// a tick without new data leaves behind.
    package static func onlyTickMoved(from old: JudgeState, to new: JudgeState) -> Bool {
        var same = old
        same.lastTickAt = new.lastTickAt
        same.lastVerdict = new.lastVerdict
        if let before = old.memory.sequential?.ticks, let after = new.memory.sequential?.ticks, before > 0, after > 0 {
            same.memory.sequential?.ticks = after
        }
        return same == new
    }

    /// After a tick took effect: asks the next gate and publishes the stuck and no-data gauges.
    private func finishLocked(_ name: String, verdict: Verdict, now: TimeReading) {
        if let current = controller.table.entries[name] { controller.askGate(current, wall: now.wall) }
        publishStuck(name, now: now.steady)
        publishNoData(name, verdict: verdict)
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
