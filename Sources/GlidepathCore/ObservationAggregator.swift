/// Per-arm counters for one ingest body, in manually managed memory so the per-line path does no
/// reference counting, uniqueness checks or allocation. Call `deallocate()` exactly once.
struct ObservationAggregator {
    /// Arm names as bytes: the baseline's, then the candidate's.
    private let names: UnsafeMutableBufferPointer<UInt8>
    private let baselineLength: Int
    /// Per arm: requests by (class, code) as `StatusCodeCounts` lays them out, then tokens.
    private let counters: UnsafeMutableBufferPointer<UInt64>
    /// Per arm: `LatencyBuckets.count` non-cumulative latency buckets, then as many for time to first token.
    private let histogram: UnsafeMutableBufferPointer<UInt64>
    /// Copies of `LatencyBuckets.Lookup`'s bounds (with `+Inf`) and cell table, out of the globals' reach.
    private let bounds: UnsafeMutableBufferPointer<Double>
    private let cells: UnsafeMutableBufferPointer<UInt8>
    private var sums: (Double, Double) = (0, 0)
    private var ttftSums: (Double, Double) = (0, 0)
    /// Per arm: `forced=1` lines, kept apart from the evidence.
    private var forced: (UInt64, UInt64) = (0, 0)
    /// Lines marked `mirror=1` (all on the candidate).
    var mirrored: UInt64 = 0
    /// `LatencyBuckets.count`, read once.
    private let buckets: Int

    private static let countersPerArm = StatusCodeCounts.perArm + 1
    private static let tokensOffset = StatusCodeCounts.perArm

    init(baseline: String, candidate: String) {
        let b = Array(baseline.utf8), c = Array(candidate.utf8)
        names = .allocate(capacity: b.count + c.count)
        _ = names.initialize(from: b + c)
        baselineLength = b.count
        counters = .allocate(capacity: 2 * Self.countersPerArm)
        counters.initialize(repeating: 0)
        buckets = LatencyBuckets.count
        histogram = .allocate(capacity: 4 * buckets)
        histogram.initialize(repeating: 0)
        bounds = .allocate(capacity: LatencyBuckets.Lookup.guardedBounds.count)
        _ = bounds.initialize(from: LatencyBuckets.Lookup.guardedBounds)
        cells = .allocate(capacity: LatencyBuckets.Lookup.table.count)
        _ = cells.initialize(from: LatencyBuckets.Lookup.table)
    }

    func deallocate() {
        names.deallocate()
        counters.deallocate()
        histogram.deallocate()
        bounds.deallocate()
        cells.deallocate()
    }

    /// The arm's name (for error messages).
    func name(_ arm: Int) -> String {
        let slice = arm == 0 ? UnsafeMutableBufferPointer(rebasing: names[0..<baselineLength])
                             : UnsafeMutableBufferPointer(rebasing: names[baselineLength...])
        return String(decoding: slice, as: UTF8.self)
    }

    /// 0 for the baseline, 1 for the candidate, nil for neither; compares bytes.
    @inline(__always)
    func armIndex(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Int? {
        let length = e - s
        if length == baselineLength && equal(p + s, 0, length) { return 0 }
        if length == names.count - baselineLength && equal(p + s, baselineLength, length) { return 1 }
        return nil
    }

    @inline(__always)
    private func equal(_ q: UnsafePointer<UInt8>, _ offset: Int, _ length: Int) -> Bool {
        for k in 0..<length where q[k] != names[offset + k] { return false }
        return true
    }

    /// One line: `ttft` below zero when the line reported none.
    @inline(__always)
    mutating func add(arm: Int, classIndex: Int, codeIndex: Int, seconds: Double, tokens: UInt64, ttft: Double) {
        let base = arm * Self.countersPerArm
        counters[base + StatusCodeCounts.offset(arm: 0, classIndex: classIndex, codeIndex: codeIndex)] &+= 1
        counters[base + Self.tokensOffset] &+= tokens
        let h = arm * 2 * buckets
        histogram[h + bucketIndex(seconds)] &+= 1
        if arm == 0 { sums.0 += seconds } else { sums.1 += seconds }
        if ttft >= 0 {
            histogram[h + buckets + bucketIndex(ttft)] &+= 1
            if arm == 0 { ttftSums.0 += ttft } else { ttftSums.1 += ttft }
        }
    }

    /// One `forced=1` line: counted, never evidence.
    @inline(__always)
    mutating func addForced(arm: Int) {
        if arm == 0 { forced.0 &+= 1 } else { forced.1 &+= 1 }
    }

    /// `LatencyBuckets.index(ofSeconds:)` in constant time over the local copies.
    @inline(__always)
    private func bucketIndex(_ seconds: Double) -> Int {
        LatencyBuckets.Lookup.index(ofSeconds: seconds, table: cells.baseAddress!, bounds: bounds.baseAddress!)
    }

    func batch(lines: Int) -> ObservationBatch {
        var arms = ArmPair()
        var codes = [UInt64](repeating: 0, count: 2 * StatusCodeCounts.perArm)
        for arm in 0..<2 {
            let base = arm * Self.countersPerArm
            var byClass: [UInt64] = [0, 0, 0]
            for cell in 0..<StatusCodeCounts.perArm {
                codes[arm * StatusCodeCounts.perArm + cell] = counters[base + cell]
                byClass[cell / StatusCodeCounts.groups] &+= counters[base + cell]
            }
            let requests = byClass.reduce(0, &+)
            let h = arm * 2 * buckets
            let ttft = Array(histogram[h + buckets..<h + 2 * buckets])
            arms[arm == 0 ? .baseline : .candidate] = ArmCounts(
                requests: requests, errors: byClass[OutcomeClass.error.index],
                clientErrors: byClass[OutcomeClass.clientError.index],
                latency: requests == 0 ? [] : Array(histogram[h..<h + buckets]),
                latencySum: arm == 0 ? sums.0 : sums.1, tokens: counters[base + Self.tokensOffset],
                ttft: ttft.allSatisfy { $0 == 0 } ? [] : ttft, ttftSum: arm == 0 ? ttftSums.0 : ttftSums.1)
        }
        return ObservationBatch(lines: lines, arms: arms, codes: StatusCodeCounts(counts: codes),
                                forced: [forced.0, forced.1], mirrored: mirrored)
    }
}
