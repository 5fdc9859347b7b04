extension ArmCounts {
    /// Adds `other` into `self`: counters add, histograms add bucket by bucket (an empty histogram
    /// means "no latency seen" and counts as all zeros).
    package mutating func merge(_ other: ArmCounts) {
        requests &+= other.requests
        errors &+= other.errors
        clientErrors &+= other.clientErrors
        latencySum += other.latencySum
        tokens &+= other.tokens
        ttftSum += other.ttftSum
        Self.add(other.latency, into: &latency)
        Self.add(other.ttft, into: &ttft)
        Self.add(other.custom, into: &custom)
    }

    /// Adds histogram `other` into `histogram` bucket by bucket (empty means all zeros).
    static func add(_ other: [UInt64], into histogram: inout [UInt64]) {
        if other.isEmpty { return }
        if histogram.isEmpty { histogram = other; return }
        if histogram.count < other.count {
            histogram.append(contentsOf: repeatElement(0, count: other.count - histogram.count))
        }
        for i in other.indices { histogram[i] &+= other[i] }
    }

    package static func + (lhs: ArmCounts, rhs: ArmCounts) -> ArmCounts {
        var out = lhs
        out.merge(rhs)
        return out
    }

    package static func += (lhs: inout ArmCounts, rhs: ArmCounts) { lhs.merge(rhs) }

    /// Requests that can count for or against the arm: every request except client errors.
    package var judgedRequests: UInt64 { requests >= clientErrors ? requests - clientErrors : 0 }

    /// `errors / (requests − clientErrors)`, 0 when nothing was judged.
    package var errorRate: Double {
        let n = judgedRequests
        return n == 0 ? 0 : Double(errors) / Double(n)
    }
}

extension ArmPair {
    /// Adds both arms of `other` into `self`.
    package mutating func merge(_ other: ArmPair) {
        baseline.merge(other.baseline)
        candidate.merge(other.candidate)
    }

    package static func + (lhs: ArmPair, rhs: ArmPair) -> ArmPair {
        var out = lhs
        out.merge(rhs)
        return out
    }

    package static func += (lhs: inout ArmPair, rhs: ArmPair) { lhs.merge(rhs) }

    /// Requests on both arms together.
    package var totalRequests: UInt64 { baseline.requests &+ candidate.requests }
}
