/// Saturating arithmetic for time stamps and durations (ms): the core never traps on a clock far
/// ahead of or behind a stored time, or on a duration near the limits of `Int64`.
extension Int64 {
    /// `self - other`, clamped to `Int64.min...Int64.max` instead of trapping.
    @inlinable
    package func subtractingSaturating(_ other: Int64) -> Int64 {
        let (result, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return result }
        return other < 0 ? .max : .min
    }

    /// `self + other`, clamped to `Int64.min...Int64.max` instead of trapping.
    @inlinable
    package func addingSaturating(_ other: Int64) -> Int64 {
        let (result, overflow) = addingReportingOverflow(other)
        guard overflow else { return result }
        return other < 0 ? .min : .max
    }

    /// `self * other`, clamped to `Int64.min...Int64.max` instead of trapping.
    @inlinable
    package func multipliedSaturating(by other: Int64) -> Int64 {
        let (result, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return result }
        return (self < 0) == (other < 0) ? .max : .min
    }
}
