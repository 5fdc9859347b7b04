/// One `overrides` rule of a policy: requests it matches go to `arm` whatever the weights, and are
/// reported as forced (`forced=1`), so they never count as the judge's evidence (they are no random sample).
///
/// Rules travel in the weights document in policy order; the shims apply the first matching one before
/// the bucket. In phase `rolled_back` or `paused` a rule forcing the candidate is skipped unless
/// `evenWhenRolledBack`; a rule forcing the baseline always applies.
package struct OverrideRule: Hashable, Sendable {
    /// What a request must carry to match.
    package var match: OverrideMatch
    /// The role the matching requests are sent to.
    package var arm: Arm
    /// Keep forcing the candidate after a rollback or while paused (testers); baseline rules ignore it.
    package var evenWhenRolledBack: Bool

    package init(match: OverrideMatch, arm: Arm, evenWhenRolledBack: Bool = false) {
        self.match = match
        self.arm = arm
        self.evenWhenRolledBack = evenWhenRolledBack
    }

    /// Whether the rule is in force in `phase` (a rolled-back or paused candidate serves no forced request
    /// unless the rule says `evenWhenRolledBack`).
    package func applies(in phase: Phase) -> Bool {
        guard arm == .candidate, !evenWhenRolledBack else { return true }
        return phase != .rolledBack && phase != .paused
    }
}

/// The condition of an `OverrideRule`.
package enum OverrideMatch: Hashable, Sendable {
    /// The request's sticky key is one of these.
    case keys([String])
    /// The request header `name` (stored lower-cased; matched case-insensitively) equals `value`.
    case header(name: String, equals: String)
    /// The cookie `name` (case-sensitive) equals `value`.
    case cookie(name: String, equals: String)
    /// The application's segment name for the request is one of these.
    case segment([String])

    /// `header:<name>`, `cookie:<name>` or `segment`; nil for a keys rule.
    package var attribute: String? {
        switch self {
        case .keys: nil
        case .header(let name, _): "header:" + name
        case .cookie(let name, _): "cookie:" + name
        case .segment: "segment"
        }
    }
}
