/// A length of time in whole milliseconds, written in policies as `500ms`, `30s`, `10m`, `6h`, `1d`.
///
/// Named `TimeSpan` to stay clear of the standard library's `Duration`.
public struct TimeSpan: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public static func seconds(_ s: Int64) -> TimeSpan { TimeSpan(milliseconds: s * 1000) }
    public static func minutes(_ m: Int64) -> TimeSpan { TimeSpan(milliseconds: m * 60_000) }
    public static let zero = TimeSpan(milliseconds: 0)

    public var seconds: Double { Double(milliseconds) / 1000 }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.milliseconds < rhs.milliseconds }
}
