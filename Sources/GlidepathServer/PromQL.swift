import GlidepathCore
import PromText

/// The PromQL a `prometheus` source sends for one migration's read: increases per arm over the time since
/// the last read, summed across the fleet, with the policy's matchers.
package struct PromQL: Hashable, Sendable {
    /// What a query's answer fills in.
    package enum Target: Hashable, Sendable {
        case requests, errors, latencyBuckets, latencySum, ttftBuckets, ttftSum, tokens, custom(Int)
    }

    package var target: Target
    /// The label naming the arm in the answer.
    package var armLabel: String
    package var text: String

    /// Every query of a read over `windowMs` milliseconds, requests first.
    package static func plan(_ mapping: MetricsMapping, custom: [CounterRef], windowMs: Int64) -> [PromQL] {
        let window = "[\(max(1, windowMs))ms]"
        func query(_ target: Target, _ ref: CounterRef, suffix: String = "", extra: [LabelMatcher] = [],
                   byLe: Bool = false) -> PromQL {
            let arm = ref.armLabel ?? mapping.armLabel
            let by = byLe ? "\(arm), le" : arm
            let text = "sum by (\(by)) (increase(\(ref.metric)\(suffix)\(selector(mapping.matchers + ref.matchers + extra))"
                + "\(window)))"
            return PromQL(target: target, armLabel: arm, text: text)
        }
        var out = [query(.requests, mapping.requests)]
        if !mapping.errorMatchers.isEmpty { out.append(query(.errors, mapping.requests, extra: mapping.errorMatchers)) }
        if let l = mapping.latency {
            out += [query(.latencyBuckets, l, suffix: "_bucket", byLe: true), query(.latencySum, l, suffix: "_sum")]
        }
        if let t = mapping.ttft {
            out += [query(.ttftBuckets, t, suffix: "_bucket", byLe: true), query(.ttftSum, t, suffix: "_sum")]
        }
        if let t = mapping.tokens { out.append(query(.tokens, t)) }
        for (i, ref) in custom.enumerated() { out.append(query(.custom(i), ref)) }
        return out
    }

    /// `{job="copy-api",status="error"}`, or nothing without matchers.
    package static func selector(_ matchers: [LabelMatcher]) -> String {
        guard !matchers.isEmpty else { return "" }
        return "{" + matchers.map { "\($0.name)=\"\(escaped($0.value))\"" }.joined(separator: ",") + "}"
    }

    /// A PromQL double-quoted string's contents: backslash, quote and line breaks escaped.
    package static func escaped(_ value: String) -> String {
        var out = ""
        for ch in value.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// `base/api/v1/query?query=…` with the query percent-encoded (RFC 3986 unreserved bytes kept).
    package func url(base: String) -> String {
        var encoded = ""
        for b in text.utf8 {
            let keep = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
                || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
            encoded += keep ? String(UnicodeScalar(b)) : "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
        }
        return "\(base)/api/v1/query?query=\(encoded)"
    }
}

