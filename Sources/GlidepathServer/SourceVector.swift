import GlidepathCore
import PromText

/// One read of an external source as a flat vector of per-arm values, so resets, deltas and sums are
/// element-wise: for each arm (baseline, then candidate) `requests, errors, latencySum, ttftSum, tokens`,
/// then the latency buckets (non-cumulative, glidepath's `LatencyBuckets`), the TTFT buckets, and the
/// `guards.custom` counters in policy order.
package struct SourceVector: Hashable, Sendable {
    package static let scalars = 5
    package static var buckets: Int { LatencyBuckets.count }

    /// `guards.custom` counters per arm.
    package let customCount: Int
    package var values: [Double]

    package init(customCount: Int) {
        self.customCount = customCount
        values = [Double](repeating: 0, count: 2 * (Self.scalars + 2 * Self.buckets + customCount))
    }

    package var armWidth: Int { Self.scalars + 2 * Self.buckets + customCount }

    package enum Field: Int { case requests, errors, latencySum, ttftSum, tokens }

    package func offset(_ arm: Arm, _ field: Field) -> Int { arm.rawValue * armWidth + field.rawValue }
    package func latencyOffset(_ arm: Arm) -> Int { arm.rawValue * armWidth + Self.scalars }
    package func ttftOffset(_ arm: Arm) -> Int { latencyOffset(arm) + Self.buckets }
    package func customOffset(_ arm: Arm) -> Int { ttftOffset(arm) + Self.buckets }

    package subscript(arm: Arm, field: Field) -> Double {
        get { values[offset(arm, field)] }
        set { values[offset(arm, field)] = newValue }
    }

    /// True when some value is below the same value in `earlier`: the exporter restarted.
    package func isReset(since earlier: SourceVector) -> Bool {
        zip(values, earlier.values).contains { $0 < $1 }
    }

    /// `self - earlier`, element-wise (only meaningful when not a reset).
    package func subtracting(_ earlier: SourceVector) -> SourceVector {
        var out = self
        for i in out.values.indices { out.values[i] -= earlier.values[i] }
        return out
    }

    package mutating func add(_ other: SourceVector) {
        precondition(other.customCount == customCount, "vectors of different layouts")
        for i in values.indices { values[i] += other.values[i] }
    }

    /// The vector as the judge's cumulative counts: rounded to whole events, errors capped at requests.
    /// `latency`/`ttft` say whether the mapping has those histograms (without one the arm's list stays
    /// empty: not judged); TTFT still at zero is "none seen", as `ArmCounts.ttft` reads.
    package func armPair(latency: Bool, ttft: Bool) -> ArmPair {
        func whole(_ d: Double) -> UInt64 {
            let r = d.rounded()
            guard r.isFinite, r > 0 else { return 0 }
            return r >= 0x1p63 ? UInt64(1) << 63 : UInt64(r)
        }
        var pair = ArmPair.zero
        for arm in Arm.allCases {
            var c = ArmCounts()
            c.requests = whole(self[arm, .requests])
            c.errors = min(whole(self[arm, .errors]), c.requests)
            c.latencySum = max(0, self[arm, .latencySum])
            c.ttftSum = max(0, self[arm, .ttftSum])
            c.tokens = whole(self[arm, .tokens])
            if latency {
                c.latency = (0..<Self.buckets).map { whole(values[latencyOffset(arm) + $0]) }
            }
            if ttft {
                let t = (0..<Self.buckets).map { whole(values[ttftOffset(arm) + $0]) }
                if t.contains(where: { $0 > 0 }) { c.ttft = t }
            }
            c.custom = (0..<customCount).map { whole(values[customOffset(arm) + $0]) }
            pair[arm] = c
        }
        return pair
    }
}

/// A source answered something the judge cannot use: what and where.
package struct SourceDataError: Error, Hashable, Sendable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// Converting a histogram with foreign bucket bounds to glidepath's.
package enum BucketConversion {
    /// Non-cumulative counts over `LatencyBuckets` from cumulative `(le, count)` pairs (any order, `+Inf`
    /// required). Each foreign bucket's count goes to the smallest glidepath bucket whose bound is at least
    /// the foreign upper bound, so a converted latency is never faster than measured. `exact` is false when
    /// a finite foreign bound is not one of glidepath's (precision lost). A count below the previous
    /// bucket's is an error, or (`clampNegative`, for extrapolated increases) taken as zero.
    package static func convert(_ cumulative: [(le: Double, count: Double)], clampNegative: Bool = false)
        throws(SourceDataError) -> (buckets: [Double], exact: Bool) {
        let sorted = cumulative.sorted { $0.le < $1.le }
        guard let last = sorted.last, last.le == .infinity else {
            throw SourceDataError("histogram has no le=\"+Inf\" bucket")
        }
        var out = [Double](repeating: 0, count: LatencyBuckets.count)
        var exact = true
        var previous = 0.0
        for (le, count) in sorted {
            guard count.isFinite, count >= 0 else {
                throw SourceDataError("bucket le=\"\(PromFloat.format(le))\" is \(PromFloat.format(count)), expected a count ≥ 0")
            }
            var share = count - previous
            if share < 0 {
                guard clampNegative else {
                    throw SourceDataError("bucket le=\"\(PromFloat.format(le))\" counts \(PromFloat.format(count)), fewer "
                                          + "than the bucket below (\(PromFloat.format(previous))): not cumulative")
                }
                share = 0
            }
            previous = max(previous, count)
            let index = le == .infinity ? LatencyBuckets.bounds.count : LatencyBuckets.index(ofSeconds: le)
            if le != .infinity, !isGlidepathBound(le) { exact = false }
            out[index] += share
        }
        return (out, exact)
    }

    /// True when `le` is one of `LatencyBuckets.bounds` (to a relative 1e-9).
    package static func isGlidepathBound(_ le: Double) -> Bool {
        let i = LatencyBuckets.index(ofSeconds: le)
        return i < LatencyBuckets.bounds.count && abs(LatencyBuckets.bounds[i] - le) <= 1e-9 * max(1, le)
    }

    /// `latency precision: source buckets {0.1, 0.5, 1, +Inf} coarser than glidepath's` (at most 16 bounds
    /// listed).
    package static func precisionNote(_ bounds: Set<Double>) -> String {
        let sorted = bounds.sorted()
        var shown = sorted.prefix(16).map { $0 == .infinity ? "+Inf" : PromFloat.format($0) }
        if sorted.count > 16 { shown.append("…") }
        return "latency precision: source buckets {\(shown.joined(separator: ", "))} coarser than glidepath's"
    }
}
