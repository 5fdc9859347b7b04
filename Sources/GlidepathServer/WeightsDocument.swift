import GlidepathCore

/// The exact bytes the weights endpoint serves for one migration at one revision, rendered once per change
/// so the hot path is a dictionary look-up.
package struct WeightsDocument: Sendable {
    package var revision: Int64
    package var body: [UInt8]
    /// `"7"`: the revision, quoted.
    package var etag: String
    /// `max-age=5`.
    package var cacheControl: String
    /// How often shims are told to poll, in milliseconds (whole seconds, at least one).
    package var pollAfterMs: Int64

    package init(status: MigrationStatus, policy: Policy) {
        self.init(migration: status.migration, revision: status.revision, phase: status.phase, step: status.step,
                  baseline: policy.baseline, candidate: policy.candidate, candidateWeight: status.candidateWeight(policy),
                  pollAfterSeconds: max(1, policy.pollAfter.milliseconds / 1000), classifier: policy.guards.classifier,
                  breaker: policy.breaker, mirror: status.mirror(policy), overrides: policy.overrides)
    }

    /// The document from its parts (a quarantined migration is served from its last decision this way, with
    /// the default error statuses and breaker). `errorStatuses` and `breaker` tell shims what the policy
    /// counts as an error and how their local breaker behaves. `mirror` (the share of buckets whose
    /// baseline-served requests are also sent to the candidate) is written only when above zero.
    /// `overrides` (the policy's rules, in order) is written only when there are rules; it changes only
    /// with the policy, so the revision still names the document (a policy edit is a new revision).
    package init(migration: String, revision: Int64, phase: Phase, step: Int, baseline: String, candidate: String,
                candidateWeight w: Weight, pollAfterSeconds poll: Int64, classifier: StatusClassifier = .standard,
                breaker: BreakerSettings = BreakerSettings(), mirror: Weight = .zero, overrides: [OverrideRule] = []) {
        var json = "{\"migration\":"
        appendJSONQuoted(migration, to: &json)
        json += ",\"revision\":\(revision),\"state\":\"\(phase.rawValue)\",\"step\":\(step),\"baseline\":"
        appendJSONQuoted(baseline, to: &json)
        json += ",\"candidate\":"
        appendJSONQuoted(candidate, to: &json)
        json += ",\"weights\":{"
        appendJSONQuoted(baseline, to: &json)
        json += ":\(w.complement.description),"
        appendJSONQuoted(candidate, to: &json)
        json += ":\(w.description)},\"pollAfterSeconds\":\(poll)"
        json += ",\"errorStatuses\":" + JSONValue.array(PolicyParser.renderStatuses(classifier)).rendered()
        json += ",\"breaker\":{\"consecutiveErrors\":\(breaker.consecutiveErrors),\"openSeconds\":\(breaker.openSeconds)}"
        if mirror > .zero { json += ",\"mirror\":\(mirror.description)" }
        if !overrides.isEmpty { json += ",\"overrides\":" + PolicyParser.render(overrides: overrides).rendered() }
        json += "}"
        self.revision = revision
        body = Array(json.utf8)
        etag = "\"\(revision)\""
        cacheControl = "max-age=\(poll)"
        pollAfterMs = Int64(poll) * 1000
    }

    /// True when an `If-None-Match` value names this document: `*`, `"7"`, `W/"7"`, or a list holding one.
    package func matches(ifNoneMatch header: String) -> Bool {
        for part in header.split(separator: ",") {
            var tag = part.trimmingSpaces()
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag.elementsEqual(etag) { return true }
        }
        return false
    }
}

/// What the hot endpoints (weights, ingest) need about one migration, swapped as a whole at every change.
package struct ServedMigration: Sendable {
    package var weights: WeightsDocument
    package var baseline: String
    package var candidate: String
    package var classifier: StatusClassifier
    /// The policy's prices of the baseline and the candidate (nil: not priced), for `glidepath_cost_total`.
    package var prices: [ArmCost?] = [nil, nil]
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
