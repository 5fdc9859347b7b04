import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `FollowTransport`: URLSession (FoundationNetworking on Linux), http and https (system CAs).
/// Never follows redirects, keeps no cookies and no cache, stops reading at the cap, and gives up at the
/// timeout whatever the primary does (`URLSessionExchanges`).
package final class URLSessionFollowTransport: FollowTransport, Sendable {
    private let exchanges = URLSessionExchanges(maxConnectionsPerHost: 2)

    package init() {}

    package func get(_ url: String, headers: [(String, String)], timeout: Double, maxBytes: Int) -> FollowResponse {
        guard let u = URLSessionExchanges.httpURL(url) else { return .unreachable("not an http(s) URL: \(url)") }
        let outcome = exchanges.perform(URLSessionExchanges.request(u, method: "GET", headers: headers, timeout: timeout),
                                        timeout: timeout, maxBytes: maxBytes)
        guard let http = outcome.response else {
            return .unreachable(outcome.finished ? (outcome.error ?? "no answer")
                                                 : "timed out after \(URLSessionExchanges.seconds(timeout))")
        }
        if !outcome.finished && !outcome.tooLarge {
            return .unreachable("timed out after \(URLSessionExchanges.seconds(timeout)) reading the body")
        }
        if let error = outcome.error, !outcome.tooLarge { return .unreachable(error) }
        return FollowResponse(status: http.statusCode, etag: http.value(forHTTPHeaderField: "ETag"),
                              cacheControl: http.value(forHTTPHeaderField: "Cache-Control"), body: outcome.body,
                              tooLarge: outcome.tooLarge)
    }

    /// Ends the session (in-flight requests are cancelled).
    package func close() { exchanges.close() }
}
