import GlidepathCore

/// A stored migration this build cannot decode (a policy that no longer parses, a judge state or status
/// row it does not understand): quarantined instead of skipped.
///
/// It is listed in status and history with its reason, exported as `glidepath_migration_broken`, not
/// judged, and its last weights document is still served when it can be rebuilt (from its status and
/// policy, or from its last decision), so shims keep routing as before. Applying a valid policy repairs it.
package struct BrokenMigration: Sendable {
    package var name: String
    /// Why it is quarantined, in a sentence.
    package var reason: String
    /// The stored revision (the next change takes the one after it).
    package var revision: Int64
    /// The stored policy version (a repair stores the one after it).
    package var policyVersion: Int
    /// The newest audit-log entry, when it decodes.
    package var lastDecision: Decision?
    /// What was last served, when it can be rebuilt.
    package var served: ServedMigration?
    /// The phase and candidate weight last in force, when known (a repair starts from them).
    package var lastPhase: Phase?
    package var lastCandidateWeight: Weight?
}
