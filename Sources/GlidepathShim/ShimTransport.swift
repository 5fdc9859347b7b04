import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request the shim sends to the controller.
public struct ShimRequest: Sendable, Equatable {
    public var method: String
    public var url: URL
    /// Header names as sent; the shim never sends a name twice.
    public var headers: [String: String]
    public var body: Data

    public init(method: String, url: URL, headers: [String: String] = [:], body: Data = Data()) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// The controller's answer. `headers` keys are lower-cased.
public struct ShimResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }
}

/// How the shim talks HTTP. Throwing means no response at all (refused, reset, timed out).
///
/// The seam exists so tests can play the controller in memory; applications use `URLSessionTransport`.
public protocol ShimTransport: Sendable {
    func send(_ request: ShimRequest) async throws -> ShimResponse
}

/// `ShimTransport` over URLSession, with a per-request timeout.
public struct URLSessionTransport: ShimTransport {
    public let session: URLSession
    public let timeout: Double

    /// `timeout` in seconds bounds each poll and each batch upload.
    public init(session: URLSession = URLSession(configuration: .ephemeral), timeout: Double = 5) {
        self.session = session
        self.timeout = timeout
    }

    public func send(_ request: ShimRequest) async throws -> ShimResponse {
        var r = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        r.httpMethod = request.method
        for (name, value) in request.headers { r.setValue(value, forHTTPHeaderField: name) }
        if !request.body.isEmpty { r.httpBody = request.body }
        let req = r
        return try await withCheckedThrowingContinuation { continuation in
            let task = session.dataTask(with: req) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                    return
                }
                guard let http = response as? HTTPURLResponse else {
                    continuation.resume(throwing: URLError(.badServerResponse))
                    return
                }
                var headers: [String: String] = [:]
                for (k, v) in http.allHeaderFields {
                    if let k = k as? String, let v = v as? String { headers[k] = v }
                }
                continuation.resume(returning: ShimResponse(status: http.statusCode, headers: headers, body: data ?? Data()))
            }
            task.resume()
        }
    }
}
