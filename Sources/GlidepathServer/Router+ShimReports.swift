import GlidepathCore
import HTTPServer

extension Router {
    /// The largest `Glidepath-Breaker-Trips` / `Glidepath-Fallbacks` value a batch may carry.
    static let maxShimReport = 1_000_000

    /// An optional shim report header: absent is 0; present, a decimal integer 0...1,000,000, once.
    static func shimReport(_ headers: HTTPHeaders, _ name: String) -> Result<Int, APIError> {
        let values = headers.values(name)
        guard let value = values.first else { return .success(0) }
        guard values.count == 1 else {
            return .failure(APIError(status: 400, message: "\(name) appears \(values.count) times; send it once", field: name))
        }
        if !value.isEmpty, value.utf8.count <= 7, value.utf8.allSatisfy({ (48...57).contains($0) }),
           let n = Int(value), n <= maxShimReport {
            return .success(n)
        }
        return .failure(APIError(status: 400, message: "\(name) must be a decimal integer from 0 to 1000000, got \(jsonQuoted(value))",
                                 field: name))
    }
}
