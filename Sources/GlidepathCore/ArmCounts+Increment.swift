extension ArmCounts {
    /// The increment from `previous` (an earlier cumulative snapshot) to `self` (the current one).
    ///
    /// Prometheus's counter-reset rule, per arm: if any counter went down (requests, a class, tokens,
    /// any histogram bucket, a histogram's sum), the source restarted since `previous`, and the whole
    /// current value is the increment. The `guards.custom` counters are reset one by one
    /// (`customIncrement`): they may come from other series than the requests.
    package func increment(since previous: ArmCounts) -> ArmCounts {
        if wentDown(from: previous) { return self }
        var out = ArmCounts(requests: requests - previous.requests,
                            errors: errors - previous.errors,
                            clientErrors: clientErrors - previous.clientErrors,
                            latency: [],
                            latencySum: max(0, latencySum - previous.latencySum),
                            tokens: tokens - previous.tokens,
                            ttft: [],
                            ttftSum: max(0, ttftSum - previous.ttftSum))
        out.latency = Self.difference(latency, previous.latency)
        out.ttft = Self.difference(ttft, previous.ttft)
        out.custom = Self.customIncrement(custom, previous.custom)
        return out
    }

    /// The increments of the `guards.custom` counters, each on its own: a counter that went down was
    /// reset (its source restarted), and its current value is the increment. Counters that differ in
    /// number from `previous` (the policy's custom guards changed, or the source gave them only now) are
    /// not evidence: no increment at all, so the guards learn nothing from this tick.
    static func customIncrement(_ current: [UInt64], _ previous: [UInt64]) -> [UInt64] {
        guard current.count == previous.count else { return [] }
        return zip(current, previous).map { now, before in now >= before ? now - before : now }
    }

    /// `current − previous` bucket by bucket (the caller checked that no bucket went down).
    static func difference(_ current: [UInt64], _ previous: [UInt64]) -> [UInt64] {
        guard !current.isEmpty else { return [] }
        guard !previous.isEmpty else { return current }
        var out = current
        let n = min(out.count, previous.count)
        out.withUnsafeMutableBufferPointer { o in
            previous.withUnsafeBufferPointer { p in
                for i in 0..<n { o[i] &-= p[i] }  // no bucket went down: `wentDown` said so
            }
        }
        return out
    }

    /// True when some counter is lower than in `previous`: the source restarted.
    package func wentDown(from previous: ArmCounts) -> Bool {
        if requests < previous.requests || errors < previous.errors
            || clientErrors < previous.clientErrors || tokens < previous.tokens
            || latencySum < previous.latencySum || ttftSum < previous.ttftSum {
            return true
        }
        return Self.wentDown(latency, from: previous.latency) || Self.wentDown(ttft, from: previous.ttft)
    }

    static func wentDown(_ histogram: [UInt64], from previous: [UInt64]) -> Bool {
        for i in previous.indices {
            let now = i < histogram.count ? histogram[i] : 0
            if now < previous[i] { return true }
        }
        return false
    }
}

extension ArmPair {
    /// Per-arm increments since `previous`; with no previous snapshot the whole snapshot is the
    /// increment (the controller's own counters for a migration start at zero).
    package func increment(since previous: ArmPair?) -> ArmPair {
        guard let previous else { return self }
        return ArmPair(baseline: baseline.increment(since: previous.baseline),
                       candidate: candidate.increment(since: previous.candidate))
    }
}
