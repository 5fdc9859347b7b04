/// Requests per arm, outcome class and status code group (`glidepath_requests_total{class,code}`) in one
/// ingest batch: a fixed table of 2 × 3 × 6 counts.
package struct StatusCodeCounts: Hashable, Sendable {
    /// Classes × code groups (3 × 6), literals so the ingest hot path reads constants, not lazy globals.
    static let groups = 6
    static let perArm = 18
    /// Index `arm * perArm + class * groups + code`.
    package private(set) var counts: [UInt64]

    package init() {
        counts = [UInt64](repeating: 0, count: 2 * Self.perArm)
    }

    /// The table as the ingest aggregator lays it out (length `2 * perArm`).
    init(counts: [UInt64]) {
        precondition(counts.count == 2 * Self.perArm)
        self.counts = counts
    }

    @inline(__always)
    static func offset(arm: Int, classIndex: Int, codeIndex: Int) -> Int {
        arm * perArm + classIndex * groups + codeIndex
    }

    package subscript(arm: Arm, cls: OutcomeClass, code: StatusCode) -> UInt64 {
        get { counts[Self.offset(arm: arm.rawValue, classIndex: cls.index, codeIndex: code.index)] }
        set { counts[Self.offset(arm: arm.rawValue, classIndex: cls.index, codeIndex: code.index)] = newValue }
    }
}
