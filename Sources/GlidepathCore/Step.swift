/// One step of a ramp: the candidate's weight, how long it bakes, and whether an operator must open a gate.
public struct Step: Hashable, Sendable {
    public var weight: Weight
    /// Minimum time at this weight before the judge may advance. Zero when the policy gives none.
    public var bake: TimeSpan
    /// `"gate": "manual"`: after the bake and the judge's checks, wait for an operator's `resume`/`advance`.
    public var manualGate: Bool

    public init(weight: Weight, bake: TimeSpan = .zero, manualGate: Bool = false) {
        self.weight = weight
        self.bake = bake
        self.manualGate = manualGate
    }
}
