import Foundation
import GlidepathCore

/// What one control-loop round did (tests and logs).
public struct RoundReport: Sendable, Equatable {
    /// Migrations judged this round.
    public var ticked: [String] = []
    /// Decisions taken (migration, action).
    public var decisions: [String] = []
    /// Set when the metrics source failed: nobody was judged.
    public var sourceError: String?
    public init() {}
}

extension Controller {
    /// One control-loop round at `now`: reads the metrics once if any migration is due (its policy's
    /// `interval` has passed since its last tick), judges each due migration and persists the outcome —
    /// the judge state alone when nothing changed, the whole transition with its decision otherwise.
    /// Promoted and rolled-back migrations still tick (nothing is judged): their counter snapshot
    /// keeps up, so traffic seen while a migration was over never leaks into a restarted step.
    @discardableResult
    public func runOnce(now: Int64, source: any MetricsSource) -> RoundReport {
        let started = SystemClock().monotonicSeconds()
        var report = RoundReport()
        defer {
            metrics.controlLoopDuration.observe(SystemClock().monotonicSeconds() - started, labels: [])
        }
        let due = lock.withLock {
            entries.values.filter { e in
                guard let last = e.judge.lastTickAt else { return true }
                return now - last >= e.policy.interval.milliseconds
            }.sorted { $0.name < $1.name }
        }
        if !due.isEmpty {
            let snapshot: [String: ArmPair]
            do {
                snapshot = try source.fetch(due.map {
                    MetricsQuery(migration: $0.name, baseline: $0.policy.baseline, candidate: $0.policy.candidate)
                })
            } catch {
                metrics.sourceErrors.add(1, labels: [])
                Log.error("control loop: metrics source failed, no migration judged this round: \(error)")
                report.sourceError = "\(error)"
                return report
            }
            for d in due {
                guard let counts = snapshot[d.name] else {
                    Log.error("control loop: no series for migration \(d.name) in the metrics; skipped")
                    continue
                }
                if let action = tickLocked(d.name, counts: counts, now: now) { report.decisions.append("\(d.name):\(action)") }
                report.ticked.append(d.name)
            }
        }
        metrics.lastTick.set(Double(now) / 1000, labels: [])
        markReady()
        return report
    }

    /// Judges one migration; returns the decision's action if one was taken.
    private func tickLocked(_ name: String, counts: ArmPair, now: Int64) -> String? {
        lock.withLock { () -> String? in
            // The entry may have changed since the due list was taken (an operator acted): judge what is current.
            guard let e = entries[name] else { return nil }
            let outcome = ControlTick.run(policy: e.policy, status: e.status, state: e.judge, snapshot: counts,
                                          judge: Self.judge(for: e.policy), now: now)
            var action: String?
            if let t = outcome.transition {
                do {
                    _ = try commitLocked(t, policy: e.policy, policySource: e.policySource, newPolicy: false)
                    action = t.decision.action.rawValue
                } catch {
                    Log.error("control loop: migration \(name): \(error)")
                    return nil
                }
            } else {
                // A finished migration only tracks its counter snapshot (so a later `restart` starts from
                // fresh evidence): memory is enough, and it keeps fsyncs off the loop for every migration
                // ever finished. `restart` persists the snapshot with its transition.
                if !e.status.phase.isTerminal {
                    do { try store.save(StoreChange(status: e.status, judge: outcome.judge)) } catch {
                        Log.error("control loop: migration \(name): saving judge state failed: \(error)")
                        return nil
                    }
                }
                var updated = e
                updated.judge = outcome.judge
                entries[name] = updated
                publishEvidenceLocked(updated)
            }
            publishStuckLocked(name, now: now)
            publishNoDataLocked(name, verdict: outcome.verdict)
            return action
        }
    }

    /// `glidepath_step_stuck`: 1 while a live step has been held longer than the policy's `maxHold`.
    private func publishStuckLocked(_ name: String, now: Int64) {
        guard let e = entries[name] else { return }
        var stuck = false
        if let hold = e.policy.maxHold, !e.status.phase.isTerminal {
            stuck = now - e.status.stepStartedAt >= hold.milliseconds
        }
        metrics.stepStuck.set(stuck ? 1 : 0, labels: [name])
    }

    /// `glidepath_no_data`: 1 while the last verdict reports the candidate idle for `noDataAfter` (the
    /// `exposure/no_data` evidence `NoDataCheck` adds to every verdict when the policy sets it).
    private func publishNoDataLocked(_ name: String, verdict: Verdict) {
        guard let e = entries[name] else { return }
        var flag = verdict.evidence.first { $0.guardName == .exposure && $0.test == .noData }?.value ?? 0
        if e.status.phase.isTerminal { flag = 0 }
        metrics.noData.set(flag, labels: [name])
    }

    static func judge(for policy: Policy) -> any Judge {
        policy.judge.makeJudge()
    }
}

extension SystemClock {
    /// Seconds on the monotonic clock, for durations.
    public func monotonicSeconds() -> Double {
        var ts = timespec()
        guard clock_gettime(CLOCK_MONOTONIC, &ts) == 0 else { return 0 }
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
