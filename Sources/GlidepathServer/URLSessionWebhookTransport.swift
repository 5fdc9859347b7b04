import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `WebhookTransport`: URLSession (FoundationNetworking on Linux) for http and https.
///
/// Never follows a redirect (the 3xx is the answer: a webhook that moved is a configuration to fix, and
/// following it would let a receiver point the controller elsewhere), no cookies, no cache, reads at most
/// `maxResponseBytes` of an answer (then stops reading), and gives up after the timeout whatever the peer does
/// (`URLSessionExchanges`).
package final class URLSessionWebhookTransport: WebhookTransport, Sendable {
    /// The answer's body is read up to this many bytes (only its start is shown).
    package static let maxResponseBytes = 4096

    private let exchanges = URLSessionExchanges(maxConnectionsPerHost: 4)

    package init() {}

    package func post(_ request: WebhookRequest, timeout: Double) -> WebhookResponse {
        guard let url = URLSessionExchanges.httpURL(request.url) else {
            return WebhookResponse(status: nil, detail: "not an http(s) URL")
        }
        var r = URLSessionExchanges.request(url, method: "POST", headers: request.headers.map { ($0.name, $0.value) },
                                            timeout: timeout)
        r.httpBody = Data(request.body)
        let outcome = exchanges.perform(r, timeout: timeout, maxBytes: Self.maxResponseBytes)
        guard let status = outcome.response?.statusCode else {
            return WebhookResponse(status: nil, detail: outcome.finished ? (outcome.error ?? "no answer")
                                                        : "timed out after \(URLSessionExchanges.seconds(timeout))")
        }
        return WebhookResponse(status: status, detail: String(decoding: outcome.body, as: UTF8.self))
    }

    /// Ends the session (in-flight requests are cancelled).
    package func close() { exchanges.close() }
}
