/// Per-arm counters for one ingest body, in manually managed memory so the per-line path does no
/// reference counting, uniqueness checks or allocation. Call `deallocate()` exactly once.
struct ObservationAggregator {
    /// Arm names as bytes: the baseline's, then the candidate's.
    private let names: UnsafeMutableBufferPointer<UInt8>
    private let baselineLength: Int
    /// Per arm: requests by class (ok, error, client_error), then tokens.
    private let counters: UnsafeMutableBufferPointer<UInt64>
    /// Per arm: `LatencyBuckets.count` non-cumulative buckets.
    private let histogram: UnsafeMutableBufferPointer<UInt64>
    private let bounds: UnsafeMutableBufferPointer<Double>
    private var sums: (Double, Double) = (0, 0)

    private static let countersPerArm = 4

    init(baseline: String, candidate: String) {
        let b = Array(baseline.utf8), c = Array(candidate.utf8)
        names = .allocate(capacity: b.count + c.count)
        _ = names.initialize(from: b + c)
        baselineLength = b.count
        counters = .allocate(capacity: 2 * Self.countersPerArm)
        counters.initialize(repeating: 0)
        histogram = .allocate(capacity: 2 * LatencyBuckets.count)
        histogram.initialize(repeating: 0)
        bounds = .allocate(capacity: LatencyBuckets.bounds.count)
        _ = bounds.initialize(from: LatencyBuckets.bounds)
    }

    func deallocate() {
        names.deallocate()
        counters.deallocate()
        histogram.deallocate()
        bounds.deallocate()
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

    @inline(__always)
    mutating func add(arm: Int, classIndex: Int, seconds: Double, tokens: UInt64) {
        let base = arm * Self.countersPerArm
        counters[base + classIndex] &+= 1
        counters[base + 3] &+= tokens
        histogram[arm * LatencyBuckets.count + bucketIndex(seconds)] &+= 1
        if arm == 0 { sums.0 += seconds } else { sums.1 += seconds }
    }

    /// `LatencyBuckets.index(ofSeconds:)` over the local copy of the bounds.
    @inline(__always)
    private func bucketIndex(_ seconds: Double) -> Int {
        LatencyBuckets.index(ofSeconds: seconds, in: UnsafeBufferPointer(bounds))
    }

    func batch(lines: Int) -> ObservationBatch {
        var arms = ArmPair()
        for arm in 0..<2 {
            let base = arm * Self.countersPerArm
            let ok = counters[base], errors = counters[base + 1], client = counters[base + 2]
            let requests = ok + errors + client
            let start = arm * LatencyBuckets.count
            arms[arm == 0 ? .baseline : .candidate] = ArmCounts(
                requests: requests, errors: errors, clientErrors: client,
                latency: requests == 0 ? [] : Array(histogram[start..<start + LatencyBuckets.count]),
                latencySum: arm == 0 ? sums.0 : sums.1, tokens: counters[base + 3])
        }
        return ObservationBatch(lines: lines, arms: arms)
    }
}
