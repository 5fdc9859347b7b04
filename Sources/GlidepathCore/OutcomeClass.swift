/// How one observed request counts for the judge.
package enum OutcomeClass: String, Sendable, CaseIterable {
    /// Counts as a healthy request.
    case ok
    /// Counts against the arm (by default: transport failure `0`, `429`, `5xx`).
    case error
    /// A client's fault (other `4xx`): counts against nobody.
    case clientError = "client_error"

    /// Dense index (0, 1, 2) for per-class counter arrays.
    package var index: Int {
        switch self {
        case .ok: 0
        case .error: 1
        case .clientError: 2
        }
    }
}
