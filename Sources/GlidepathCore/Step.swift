/// One step of a ramp: the candidate's weight, how long it bakes, and whether a gate guards entering it.
package struct Step: Hashable, Sendable {
    package var weight: Weight
    /// Minimum time at this weight before the judge may advance. Zero when the policy gives none.
    package var bake: TimeSpan
    /// What must open before the migration enters this step, after the bake and the judge's checks of the
    /// step before; nil: nothing.
    package var gate: Gate?
    /// `steps[].mirror`: the share of buckets whose requests, when served by the baseline, are also sent to
    /// the candidate in the background (a shadow copy, its answer discarded). Zero: no mirroring. A step
    /// with weight 0 always has a mirror (a shadow step); otherwise the mirror is above the weight.
    package var mirror: Weight
    /// Not entered before this time (`notBefore`, RFC 3339 with an offset); nil: whenever the judge advances.
    package var notBefore: NotBefore? = nil

    package init(weight: Weight, bake: TimeSpan = .zero, gate: Gate? = nil, mirror: Weight = .zero) {
        self.weight = weight
        self.bake = bake
        self.gate = gate
        self.mirror = mirror
    }

    package init(weight: Weight, bake: TimeSpan = .zero, manualGate: Bool) {
        self.init(weight: weight, bake: bake, gate: manualGate ? .manual : nil)
    }

    /// `"gate": "manual"`.
    package var manualGate: Bool { gate == .manual }
}

/// A gate before a step (`steps[].gate`). At a gate the migration is `waiting` (decision `wait`); the judge
/// may still roll it back, and an operator's `resume` or `advance` opens any gate.
package enum Gate: Hashable, Sendable {
    /// `"manual"`: only an operator opens it.
    case manual
    /// `{"webhook": URL}` (Flagger's confirm-promotion): open once a POST describing the migration answers
    /// 2xx while the judge would still advance; asked again every interval until then.
    case webhook(WebhookURL)

    /// The webhook's URL, for a webhook gate.
    package var webhook: WebhookURL? {
        if case .webhook(let url) = self { return url }
        return nil
    }
}

extension Policy {
    /// The gate guarding the step after `step`, if that step exists and has one.
    package func gate(after step: Int) -> Gate? {
        steps.indices.contains(step + 1) ? steps[step + 1].gate : nil
    }
}
