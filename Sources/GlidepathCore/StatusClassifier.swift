/// Maps an HTTP status (or `0` for a transport failure) to an `OutcomeClass`.
///
/// Default: `0`, `429` and `5xx` are errors; other `4xx` are client errors; the rest are ok.
/// Built once from a policy; `classify` is a table lookup (it sits on the ingest hot path).
package struct StatusClassifier: Hashable, Sendable {
    /// Index = status 0...599.
    private var table: [UInt8]

    /// - Parameter errorStatuses: statuses that count as errors; every other `4xx` is a client error.
    package init(errorStatuses: Set<Int>) {
        var t = [UInt8](repeating: UInt8(OutcomeClass.ok.index), count: 600)
        for s in 400..<500 { t[s] = UInt8(OutcomeClass.clientError.index) }
        for s in errorStatuses where s >= 0 && s < 600 { t[s] = UInt8(OutcomeClass.error.index) }
        table = t
    }

    /// `0`, `429`, `500...599`.
    package static let defaultErrorStatuses: Set<Int> = Set([0, 429] + Array(500...599))
    package static let standard = StatusClassifier(errorStatuses: defaultErrorStatuses)

    /// The statuses counted as errors, ascending.
    package var errorStatuses: [Int] {
        table.indices.filter { table[$0] == UInt8(OutcomeClass.error.index) }
    }

    /// The class of `status`; `status` must be 0 or 100...599 (the line parser checks that).
    @inline(__always)
    package func classIndex(_ status: Int) -> Int { Int(table[status]) }

    package func classify(_ status: Int) -> OutcomeClass {
        switch classIndex(status) {
        case 0: .ok
        case 1: .error
        default: .clientError
        }
    }
}
