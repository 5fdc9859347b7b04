/// `noDataAfter`, for every judge: a live step whose candidate has had no request for `noDataAfter`
/// (counted from the later of the step's start and the candidate's last request) holds under rule
/// `no-data`, and says so in the verdict's evidence (`exposure/candidate_idle_seconds`,
/// `exposure/no_data`), which the controller exports as `glidepath_no_data`.
///
/// It never rolls back (no data is no evidence) and it overrides an advance: a candidate nobody is
/// using is not ramped further. A rollback the judge decided on earlier evidence stands, and so does a
/// judge's own `no-data` hold (no request on either arm), whose reason is the more telling one.
package enum NoDataCheck {
    /// How long the candidate has been idle in this step, when the policy sets `noDataAfter`.
    package static func idleMilliseconds(policy: Policy, status: MigrationStatus, lastCandidateAt: Int64?,
                                        now: Int64) -> Int64? {
        guard policy.noDataAfter != nil else { return nil }
        return now.subtractingSaturating(max(status.stepStartedAt, lastCandidateAt ?? status.stepStartedAt))
    }

    /// The verdict with the idle evidence added, turned into a `no-data` hold when the candidate has been
    /// idle for `noDataAfter`. Unchanged when the policy does not set it.
    package static func apply(_ verdict: Verdict, policy: Policy, status: MigrationStatus, lastCandidateAt: Int64?,
                             now: Int64) -> Verdict {
        guard let limit = policy.noDataAfter,
              let idle = idleMilliseconds(policy: policy, status: status, lastCandidateAt: lastCandidateAt, now: now)
        else { return verdict }
        let isIdle = idle >= limit.milliseconds
        var out = verdict
        out.evidence.append(GuardEvidence(guardName: .exposure, test: .candidateIdleSeconds, value: Double(idle) / 1000))
        out.evidence.append(GuardEvidence(guardName: .exposure, test: .noData, value: isIdle ? 1 : 0))
        guard isIdle, verdict.action != .rollback, verdict.rule != .noData else { return out }
        out.action = .hold
        out.rule = .noData
        out.reason = "no candidate request for \(ReasonFormat.duration(milliseconds: idle)) at "
            + "\(ReasonFormat.step(status.step, policy)) (noDataAfter \(ReasonFormat.duration(limit))); "
            + "no data never advances or rolls back"
        return out
    }
}
