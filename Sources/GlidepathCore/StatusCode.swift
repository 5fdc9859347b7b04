/// The `code` label of `glidepath_requests_total`: the HTTP status in six bounded groups, next to the
/// policy's `class`. `1xx` is folded into `2xx` (an interim answer, not an outcome); `429` has its own
/// group so a rate-limited arm is told apart from a failing one; `0` (no response) is `network`.
package enum StatusCode: String, Sendable, CaseIterable {
    case success = "2xx"
    case redirect = "3xx"
    case clientError = "4xx"
    case rateLimited = "429"
    case serverError = "5xx"
    case network

    /// Dense index (0...5) in declaration order, for per-code counter tables.
    package var index: Int {
        switch self {
        case .success: 0
        case .redirect: 1
        case .clientError: 2
        case .rateLimited: 3
        case .serverError: 4
        case .network: 5
        }
    }

    /// The group of `status` (0 or 100...599, as the line parser checks), as an index: arithmetic, no table.
    @inline(__always)
    package static func index(of status: Int) -> Int {
        switch status {
        case 0: 5
        case 429: 3
        case ..<300: 0
        case ..<400: 1
        case ..<500: 2
        default: 4
        }
    }

    package static func of(_ status: Int) -> StatusCode { allCases[index(of: status)] }
}

extension StatusClassifier {
    /// The (class, code) pairs this classifier can produce, in class then code order: the series of
    /// `glidepath_requests_total` worth creating at zero.
    package var producedPairs: [(OutcomeClass, StatusCode)] {
        var seen = Set<Int>()
        for status in [0] + Array(100...599) {
            seen.insert(classIndex(status) * StatusCode.allCases.count + StatusCode.index(of: status))
        }
        return seen.sorted().map { (OutcomeClass.allCases[$0 / StatusCode.allCases.count],
                                    StatusCode.allCases[$0 % StatusCode.allCases.count]) }
    }
}
