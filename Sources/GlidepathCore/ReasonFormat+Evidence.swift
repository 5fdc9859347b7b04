#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ReasonFormat {
    /// An e-value: `3.2`, `412` (rounded down, so a value shown equal to its threshold has reached it),
    /// `12,345`, `1.2e9`.
    package static func evidence(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : "∞" }
        if x < 10 { return fixed((x * 10).rounded(.down) / 10, 1) }
        if x < 1e6 { return count(Int64(x.rounded(.down))) }
        var exponent = 0
        var mantissa = x
        while mantissa >= 10 { mantissa /= 10; exponent += 1 }
        return fixed((mantissa * 10).rounded(.down) / 10, 1) + "e\(exponent)"
    }

    /// A decision threshold such as `1/α`: `500`, `20`, `66.7` (a float error of `1/0.05` is no reason
    /// to print 19).
    package static func threshold(_ x: Double) -> String {
        let near = x.rounded()
        if abs(x - near) <= 1e-9 * max(1, abs(x)) { return evidence(near) }
        return x < 10 ? fixed(x, 1) : evidence(x)
    }

    /// `99%`, `99.5%`: a confidence level `1 − alpha` as a percentage without trailing zeros.
    package static func confidence(alpha: Double) -> String {
        var text = fixed((1 - alpha) * 100, 3)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "%"
    }

    /// A ratio limit without trailing zeros: `1.5`, `2`, `1.25`.
    package static func plain(_ x: Double) -> String {
        var text = fixed(x, 3)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A mean amount such as tokens per request: `1,200`, `400`, `12.5`.
    static func amount(_ x: Double) -> String {
        guard x.isFinite else { return fixed(x, 0) }
        return x >= 100 ? count(Int64(x.rounded())) : fixed(x, 1)
    }

    /// Two amounts of money with the same decimals, enough for two significant digits of the smaller
    /// one (at least 2, at most 8): `(0.0031, 0.001)` → `0.0031`, `0.0010`; `(1.5, 0.42)` → `1.50`, `0.42`.
    static func money(_ a: Double, _ b: Double) -> (String, String) {
        let positive = [a, b].filter { $0 > 0 && $0.isFinite }
        var digits = 2
        if let smallest = positive.min() {
            digits = Swift.max(2, Swift.min(8, 1 - Int((log10(smallest) + 1e-9).rounded(.down))))
        }
        return (fixed(a, digits), fixed(b, digits))
    }
}
