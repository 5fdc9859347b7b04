/// Holds every metric family of the process and renders them in the Prometheus text format 0.0.4.
/// Thread-safe. Families render sorted by name, series sorted by label values, so output is stable.
public final class MetricRegistry: @unchecked Sendable {
    public init() { fatalError("TODO") }

    /// Registers (or returns the existing) counter family.
    public func counter(_ name: String, help: String, labels: [String]) -> CounterFamily { fatalError("TODO") }
    /// Registers (or returns the existing) gauge family.
    public func gauge(_ name: String, help: String, labels: [String]) -> GaugeFamily { fatalError("TODO") }
    /// Registers (or returns the existing) histogram family with these upper bounds (`+Inf` is implicit).
    public func histogram(_ name: String, help: String, labels: [String], buckets: [Double]) -> HistogramFamily { fatalError("TODO") }

    /// The whole exposition text.
    public func render() -> [UInt8] { fatalError("TODO") }
}

/// A counter with labels. Values only go up.
public final class CounterFamily: @unchecked Sendable {
    public func add(_ value: Double, labels: [String]) { fatalError("TODO") }
    public func value(labels: [String]) -> Double { fatalError("TODO") }
}

/// A gauge with labels.
public final class GaugeFamily: @unchecked Sendable {
    public func set(_ value: Double, labels: [String]) { fatalError("TODO") }
    /// Removes one series (a migration that is gone).
    public func remove(labels: [String]) { fatalError("TODO") }
    public func value(labels: [String]) -> Double? { fatalError("TODO") }
}

/// A histogram with labels.
public final class HistogramFamily: @unchecked Sendable {
    public func observe(_ value: Double, labels: [String]) { fatalError("TODO") }
    /// Merges pre-aggregated counts: `bucketCounts` non-cumulative, one per bound plus `+Inf`.
    public func add(bucketCounts: [UInt64], sum: Double, labels: [String]) { fatalError("TODO") }
}
