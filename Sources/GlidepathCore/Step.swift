/// One step of a ramp: the candidate's weight, how long it bakes, and whether an operator must open a gate.
package struct Step: Hashable, Sendable {
    package var weight: Weight
    /// Minimum time at this weight before the judge may advance. Zero when the policy gives none.
    package var bake: TimeSpan
    /// `"gate": "manual"`: after the bake and the judge's checks, wait for an operator's `resume`/`advance`.
    package var manualGate: Bool

    package init(weight: Weight, bake: TimeSpan = .zero, manualGate: Bool = false) {
        self.weight = weight
        self.bake = bake
        self.manualGate = manualGate
    }
}
