/// Number and duration spelling for decision reasons and verdicts: sentences a human reads in
/// `glidepath history`, so they use grouped counts, short percentages and compact durations.
package enum ReasonFormat {
    /// `1204` → `1,204`.
    package static func count<T: BinaryInteger>(_ n: T) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// `x` rounded to `digits` decimals, always showing them: `fixed(2, 1)` → `2.0`.
    package static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x < 0 ? "-∞" : "∞") }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        guard scaled < 9e15 else { return String(x) }
        let n = Int64(scaled)
        let whole = n / Int64(scale), frac = n % Int64(scale)
        var text = String(whole)
        if digits > 0 {
            let f = String(frac)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return (x < 0 && n != 0 ? "-" : "") + text
    }

    /// A fraction as a percentage with one decimal: `0.098` → `9.8%`.
    package static func percent(_ fraction: Double) -> String { fixed(fraction * 100, 1) + "%" }

    /// A ratio: `2` → `2.0×`.
    package static func ratio(_ x: Double) -> String { fixed(x, 1) + "×" }

    /// A weight: `10%`, `12.5%`.
    package static func weight(_ w: Weight) -> String { "\(w)%" }

    /// `step 1 (10%)`: steps are 0-based, as the API shows them.
    static func step(_ index: Int, _ policy: Policy) -> String {
        guard policy.steps.indices.contains(index) else { return "step \(index)" }
        let s = policy.steps[index]
        return "step \(index) (\(weight(s.weight))\(s.mirror > .zero ? ", shadow \(weight(s.mirror))" : ""))"
    }

    /// Compact duration: `750ms`, `45s`, `3m 20s`, `2h 5m`, `1d 2h`.
    package static func duration(milliseconds ms: Int64) -> String {
        if ms < 0 { return "-" + duration(milliseconds: ms == .min ? .max : -ms) }
        if ms < 1000 { return "\(ms)ms" }
        let s = ms / 1000
        if s < 60 { return "\(s)s" }
        let (m, sr) = (s / 60, s % 60)
        if m < 60 { return sr == 0 ? "\(m)m" : "\(m)m \(sr)s" }
        let (h, mr) = (m / 60, m % 60)
        if h < 24 { return mr == 0 ? "\(h)h" : "\(h)h \(mr)m" }
        let (d, hr) = (h / 24, h % 24)
        return hr == 0 ? "\(d)d" : "\(d)d \(hr)h"
    }

    static func duration(_ span: TimeSpan) -> String { duration(milliseconds: span.milliseconds) }

    /// A latency: `0.8 ms`, `213 ms`, `1.25 s`.
    package static func latency(seconds: Double) -> String {
        let ms = seconds * 1000
        if ms < 10 { return fixed(ms, 1) + " ms" }
        if ms < 1000 { return fixed(ms, 0) + " ms" }
        return fixed(seconds, 2) + " s"
    }

    /// `0.99` → `p99`, `0.999` → `p99.9`, `0.5` → `p50`.
    package static func quantileName(_ q: Double) -> String {
        // The defaults are named on every tick of every migration: skip the formatting for them.
        switch q {
        case 0.5: return "p50"
        case 0.9: return "p90"
        case 0.99: return "p99"
        case 0.999: return "p99.9"
        default: break
        }
        var text = fixed(q * 100, 3)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return "p" + text
    }
}
