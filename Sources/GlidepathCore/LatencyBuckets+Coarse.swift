/// Fewer latency buckets for controllers holding many migrations (`serve --latency-buckets coarse`).
///
/// The coarse bounds are a subset of `bounds` (1, 2.2 and 4.7 per decade, 1 ms to 47 s: 15 bounds and
/// `+Inf`, against 55 and `+Inf`), so a coarse histogram is the fine one with some bucket walls taken
/// out: counts are folded exactly (every fine bucket lies inside one coarse bucket), and whoever reads the
/// exposition back with the fine bounds (the control loop's extraction) finds each coarse count at a bound
/// it knows and the buckets in between empty. Quantiles then resolve to a coarse bound: neighbouring
/// bounds differ by up to 2.2× instead of 1.25×, so a latency guard only tells apart arms whose quantiles
/// land in different coarse buckets.
extension LatencyBuckets {
    /// Which latency buckets `/metrics` exports.
    package enum Resolution: String, Sendable, CaseIterable {
        /// Every E12 bound (55 and `+Inf`): the default.
        case fine
        /// 1, 2.2 and 4.7 per decade (15 and `+Inf`).
        case coarse

        /// The finite upper bounds exported at this resolution.
        package var bounds: [Double] {
            switch self {
            case .fine: LatencyBuckets.bounds
            case .coarse: LatencyBuckets.coarseBounds
            }
        }
    }

    /// 1, 2.2 and 4.7 per decade from 1 ms to 47 s, each one of `bounds` (a test checks it).
    package static let coarseBounds: [Double] = [0.001, 0.0022, 0.0047, 0.01, 0.022, 0.047, 0.1, 0.22, 0.47,
                                                 1, 2.2, 4.7, 10, 22, 47]

    /// For each fine bucket (`count` of them), the bucket of `subset` (finite bounds taken from `bounds`,
    /// ascending, plus `+Inf`) that holds it: the first subset bound at or above the fine bound.
    package static func fold(into subset: [Double]) -> [Int] {
        (0..<count).map { i in
            guard i < bounds.count else { return subset.count }
            return subset.firstIndex { $0 >= bounds[i] - 1e-12 } ?? subset.count
        }
    }

    /// Non-cumulative fine counts summed into the buckets `fold` maps them to (`subset.count + 1` of them).
    package static func folded(_ counts: [UInt64], map: [Int], buckets: Int) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: buckets)
        for (i, c) in counts.enumerated() where c > 0 && i < map.count { out[map[i]] &+= c }
        return out
    }
}
