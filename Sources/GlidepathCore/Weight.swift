/// A traffic share in basis points (0...10000): 1 bp = 0.01 %.
///
/// Weights on the wire are percentages with at most two decimals, so basis points
/// represent every legal weight exactly and sums are integer arithmetic.
package struct Weight: Hashable, Comparable, Sendable, CustomStringConvertible {
    package var basisPoints: Int

    package init(basisPoints: Int) {
        self.basisPoints = basisPoints
    }

    package static let zero = Weight(basisPoints: 0)
    package static let full = Weight(basisPoints: 10_000)

    /// The complement, so that `w + w.complement == 100 %`.
    package var complement: Weight { Weight(basisPoints: 10_000 - basisPoints) }

    /// The percentage as a Double (`5.25` for 525 bp).
    package var percent: Double { Double(basisPoints) / 100 }

    /// Percent text with at most two decimals and no trailing zeros: `5`, `12.5`, `0.25`.
    package var description: String {
        let whole = basisPoints / 100
        let frac = basisPoints % 100
        if frac == 0 { return String(whole) }
        if frac % 10 == 0 { return "\(whole).\(frac / 10)" }
        return frac < 10 ? "\(whole).0\(frac)" : "\(whole).\(frac)"
    }

    package static func < (lhs: Weight, rhs: Weight) -> Bool { lhs.basisPoints < rhs.basisPoints }
}
