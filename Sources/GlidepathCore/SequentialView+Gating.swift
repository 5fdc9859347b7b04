#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which guards gate advancing, and what the step still waits for.
extension SequentialView {
    /// True when the baseline has latency data to take thresholds from (this step's, or a frozen
    /// threshold from the previous one), so the latency guards gate advancing. A baseline that reports
    /// no latency leaves only errors to compare.
    var hasLatency: Bool {
        LatencyThresholds.total(input.step.baseline.latency) > 0 || mem.latency.contains { $0.bucket != nil }
    }

    /// Gated latency guards.
    var gatedLatency: [SequentialMemory.Latency] {
        hasLatency ? mem.latency.filter { $0.quantile <= SequentialJudge.highestGatedQuantile } : []
    }

    /// Gated TTFT guards: those with q ≤ 0.99, once both arms reported a time to first token in this step
    /// (a migration whose responses are not streamed, or whose shims do not report TTFT, is not held).
    var gatedTTFT: [SequentialMemory.Latency] {
        guard !mem.ttft.isEmpty, LatencyThresholds.total(input.step.candidate.ttft) > 0,
              LatencyThresholds.total(input.step.baseline.ttft) > 0 else { return [] }
        return mem.ttft.filter { $0.quantile <= SequentialJudge.highestGatedQuantile }
    }

    /// `errors and p50/p90/p99 latency`, `errors, p50/p90/p99 latency and p50/p90/p99 TTFT`; gated custom
    /// guards follow errors by name (`errors, json_parse and p50/p90/p99 latency`).
    var gatedNames: String {
        func names(_ list: [SequentialMemory.Latency]) -> String {
            list.map { ReasonFormat.quantileName($0.quantile) }.joined(separator: "/")
        }
        var parts = ["errors"] + gatedCustom.map { mem.custom[$0].name }
        if !gatedLatency.isEmpty { parts.append("\(names(gatedLatency)) latency") }
        if !gatedTTFT.isEmpty { parts.append("\(names(gatedTTFT)) TTFT") }
        guard parts.count > 1 else { return parts[0] }
        return parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1]
    }

    /// Gated guards whose safety e-value is below `1/beta`, as `errors 3.2` / `p99 warming up` /
    /// `TTFT p90 4.1` / `json_parse 2.5` (custom guards last).
    var pendingSafety: [String] {
        var out: [String] = []
        if errorsSafety < logSafetyThreshold {
            out.append("errors \(ReasonFormat.evidence(exp(errorsSafety)))")
        }
        out += pending(gatedLatency, in: mem.latency, safety: latencySafety, prefix: "",
                       baseline: input.step.baseline.latency)
        out += pending(gatedTTFT, in: mem.ttft, safety: ttftSafety, prefix: "TTFT ",
                       baseline: input.step.baseline.ttft)
        return out + pendingCustom
    }

    private func pending(_ gated: [SequentialMemory.Latency], in all: [SequentialMemory.Latency], safety: [Double],
                         prefix: String, baseline: [UInt64]) -> [String] {
        var out: [String] = []
        for l in gated {
            let name = prefix + ReasonFormat.quantileName(l.quantile)
            if l.bucket == nil {
                out.append("\(name) threshold warming up (\(ReasonFormat.count(LatencyThresholds.total(baseline))) "
                    + "of \(ReasonFormat.count(LatencyThresholds.minimumBaseline(for: l.quantile))) baseline requests)")
            } else if let j = all.firstIndex(where: { $0.quantile == l.quantile }), safety[j] < logSafetyThreshold {
                out.append("\(name) \(ReasonFormat.evidence(exp(safety[j])))")
            }
        }
        return out
    }
}
