extension ArmCounts {
    /// The increment from `previous` (an earlier cumulative snapshot) to `self` (the current one).
    ///
    /// Prometheus's counter-reset rule, per arm: if any counter went down (requests, a class, tokens,
    /// any histogram bucket, the latency sum), the source restarted since `previous`, and the whole
    /// current value is the increment.
    package func increment(since previous: ArmCounts) -> ArmCounts {
        if wentDown(from: previous) { return self }
        var out = ArmCounts(requests: requests - previous.requests,
                            errors: errors - previous.errors,
                            clientErrors: clientErrors - previous.clientErrors,
                            latency: [],
                            latencySum: max(0, latencySum - previous.latencySum),
                            tokens: tokens - previous.tokens)
        if !latency.isEmpty {
            out.latency = latency
            for i in previous.latency.indices { out.latency[i] -= previous.latency[i] }
        }
        return out
    }

    /// True when some counter is lower than in `previous`: the source restarted.
    func wentDown(from previous: ArmCounts) -> Bool {
        if requests < previous.requests || errors < previous.errors
            || clientErrors < previous.clientErrors || tokens < previous.tokens
            || latencySum < previous.latencySum {
            return true
        }
        for i in previous.latency.indices {
            let now = i < latency.count ? latency[i] : 0
            if now < previous.latency[i] { return true }
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
