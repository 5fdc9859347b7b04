extension PolicyParser {
    /// `steps[i].weight`: like `readWeight`, except that `0` is allowed on a shadow step (one with a
    /// `mirror`): the candidate serves nobody and only sees mirrored copies.
    static func readStepWeight(_ value: JSONValue, path: String, shadow: Bool, _ c: inout Context) -> Weight? {
        if let text = value.numberText, basisPoints(percentText: text) == 0 {
            guard shadow else {
                c.report(path, "must be greater than 0 and at most 100, found \(text) (0 is allowed "
                         + "only on a shadow step, with \"mirror\" > 0)", at: value.position)
                return nil
            }
            return .zero
        }
        return readWeight(value, path: path, &c)
    }

    /// `steps[i].mirror` against the step's weight: a request is mirrored only when the baseline serves it
    /// and its bucket is below the mirror, so a mirror at or below the weight would mirror nothing.
    static func checkMirror(_ mirror: Weight?, weight: Weight, _ object: ObjectView, _ c: inout Context) -> Bool {
        guard let mirror, mirror <= weight, let value = object["mirror"] else { return true }
        c.report(object.path("mirror"), "must be greater than the step's weight \(weight) (buckets below the weight "
                 + "are already served by the candidate), found \(value.numberText ?? "\(mirror)")", at: value.position)
        return false
    }
}

extension Step {
    /// The share of all traffic whose outcome the candidate reports at this step: its live weight, or the
    /// mirror when that is larger (the mirror covers buckets below it that the baseline serves).
    package var candidateEvidenceShare: Weight { max(weight, mirror) }

    /// A step where the candidate serves nobody and only sees mirrored copies.
    package var isShadow: Bool { weight == .zero && mirror > .zero }
}

extension MigrationStatus {
    /// The share of buckets mirrored to the candidate now: the step's `mirror` while ramping, waiting or
    /// paused; zero when promoted or rolled back (a rolled-back shadow stops mirroring).
    package func mirror(_ policy: Policy) -> Weight {
        switch phase {
        case .ramping, .waiting, .paused:
            guard policy.steps.indices.contains(step) else { return .zero }
            return policy.steps[step].mirror
        case .promoted, .rolledBack:
            return .zero
        }
    }
}
