extension ServerMetrics {
    /// Adds what a shim reported with an accepted batch (`Glidepath-Breaker-Trips`, `Glidepath-Fallbacks`).
    package func addShimReports(trips: Int, fallbacks n: Int, migration: String) {
        if trips > 0 { shimBreakerTrips.add(Double(trips), labels: [migration]) }
        if n > 0 { fallbacks.add(Double(n), labels: [migration]) }
    }
}
