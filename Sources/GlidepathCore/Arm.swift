/// The two sides of a migration.
package enum Arm: Int, Sendable, CaseIterable {
    /// The legacy provider, old key, old region.
    case baseline = 0
    /// The new provider, new key, new region.
    case candidate = 1
}
