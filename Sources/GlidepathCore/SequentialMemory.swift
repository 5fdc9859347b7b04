/// What the sequential judge carries from tick to tick within a step (persisted with the judge state,
/// so a restart keeps the evidence gathered so far).
public struct SequentialMemory: Hashable, Sendable, Codable {
    public init() {}
}
