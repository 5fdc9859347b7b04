/// A length of time in whole milliseconds, written in policies as `500ms`, `30s`, `10m`, `6h`, `1d`.
///
/// Named `TimeSpan` to stay clear of the standard library's `Duration`.
public struct TimeSpan: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    /// `s` seconds (saturating at the limits of `Int64` milliseconds).
    public static func seconds(_ s: Int64) -> TimeSpan { TimeSpan(milliseconds: s.multipliedSaturating(by: 1000)) }
    /// `m` minutes (saturating).
    public static func minutes(_ m: Int64) -> TimeSpan { TimeSpan(milliseconds: m.multipliedSaturating(by: 60_000)) }
    /// `h` hours (saturating).
    public static func hours(_ h: Int64) -> TimeSpan { TimeSpan(milliseconds: h.multipliedSaturating(by: 3_600_000)) }
    /// `d` days (saturating).
    public static func days(_ d: Int64) -> TimeSpan { TimeSpan(milliseconds: d.multipliedSaturating(by: 86_400_000)) }
    public static let zero = TimeSpan(milliseconds: 0)

    /// The longest duration a policy may give (366 days): every policy duration is at most this,
    /// so time arithmetic on them stays far from the limits of `Int64`.
    public static let maximum = TimeSpan.days(366)

    public var seconds: Double { Double(milliseconds) / 1000 }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.milliseconds < rhs.milliseconds }
}
