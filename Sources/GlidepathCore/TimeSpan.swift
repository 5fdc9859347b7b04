/// A length of time in whole milliseconds, written in policies as `500ms`, `30s`, `10m`, `6h`, `1d`.
///
/// Named `TimeSpan` to stay clear of the standard library's `Duration`.
package struct TimeSpan: Hashable, Comparable, Sendable, CustomStringConvertible {
    package var milliseconds: Int64

    package init(milliseconds: Int64) { self.milliseconds = milliseconds }
    /// `s` seconds (saturating at the limits of `Int64` milliseconds).
    package static func seconds(_ s: Int64) -> TimeSpan { TimeSpan(milliseconds: s.multipliedSaturating(by: 1000)) }
    /// `m` minutes (saturating).
    package static func minutes(_ m: Int64) -> TimeSpan { TimeSpan(milliseconds: m.multipliedSaturating(by: 60_000)) }
    /// `h` hours (saturating).
    package static func hours(_ h: Int64) -> TimeSpan { TimeSpan(milliseconds: h.multipliedSaturating(by: 3_600_000)) }
    /// `d` days (saturating).
    package static func days(_ d: Int64) -> TimeSpan { TimeSpan(milliseconds: d.multipliedSaturating(by: 86_400_000)) }
    package static let zero = TimeSpan(milliseconds: 0)

    /// The longest duration a policy may give (366 days): every policy duration is at most this,
    /// so time arithmetic on them stays far from the limits of `Int64`.
    package static let maximum = TimeSpan.days(366)

    package var seconds: Double { Double(milliseconds) / 1000 }

    package static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.milliseconds < rhs.milliseconds }
}
