import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `WebhookTransport`: URLSession (FoundationNetworking on Linux) for http and https.
///
/// Never follows a redirect (the 3xx is the answer: a webhook that moved is a configuration to fix, and
/// following it would let a receiver point the controller elsewhere), no cookies, no cache, reads at most
/// `maxResponseBytes` of an answer (then stops reading), and gives up after the timeout whatever the peer does.
package final class URLSessionWebhookTransport: NSObject, WebhookTransport, URLSessionDataDelegate, @unchecked Sendable {
    /// The answer's body is read up to this many bytes (only its start is shown).
    package static let maxResponseBytes = 4096

    /// One request in flight: what arrived so far, and the signal that it is over.
    private final class Exchange: @unchecked Sendable {
        var status: Int?
        var body: [UInt8] = []
        var error: String?
        let done = DispatchSemaphore(value: 0)
    }

    private let lock = NSLock()
    private var exchanges: [Int: Exchange] = [:]
    private var session: URLSession?

    package override init() { super.init() }

    /// The session, made on first use (a controller without webhooks never makes one).
    private func currentSession() -> URLSession {
        lock.withLock {
            if let session { return session }
            let config = URLSessionConfiguration.ephemeral
            config.httpShouldSetCookies = false
            config.httpCookieAcceptPolicy = .never
            config.urlCache = nil
            config.requestCachePolicy = .reloadIgnoringLocalCacheData
            config.httpMaximumConnectionsPerHost = 4
            let s = URLSession(configuration: config, delegate: self, delegateQueue: nil)
            session = s
            return s
        }
    }

    package func post(_ request: WebhookRequest, timeout: Double) -> WebhookResponse {
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https" else {
            return WebhookResponse(status: nil, detail: "not an http(s) URL")
        }
        var r = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        r.httpMethod = "POST"
        r.httpShouldHandleCookies = false
        for h in request.headers { r.setValue(h.value, forHTTPHeaderField: h.name) }
        r.httpBody = Data(request.body)

        let exchange = Exchange()
        let task = currentSession().dataTask(with: r)
        lock.withLock { exchanges[task.taskIdentifier] = exchange }
        task.resume()
        let finished = exchange.done.wait(timeout: .now() + timeout) == .success
        if !finished { task.cancel() }
        lock.withLock { exchanges[task.taskIdentifier] = nil }
        // The delegate may still be writing `exchange` after a timeout: read it under the lock.
        return lock.withLock {
            if !finished, exchange.status == nil {
                return WebhookResponse(status: nil, detail: "timed out after \(Self.seconds(timeout))")
            }
            guard let status = exchange.status else {
                return WebhookResponse(status: nil, detail: exchange.error ?? "no answer")
            }
            return WebhookResponse(status: status, detail: String(decoding: exchange.body, as: UTF8.self))
        }
    }

    private func exchange(_ task: URLSessionTask) -> Exchange? { exchanges[task.taskIdentifier] }

    // MARK: URLSessionDataDelegate

    package func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)  // the redirect itself is the answer
    }

    package func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                            completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.withLock { exchange(dataTask)?.status = (response as? HTTPURLResponse)?.statusCode }
        completionHandler(.allow)
    }

    package func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let full = lock.withLock { () -> Bool in
            guard let e = exchange(dataTask) else { return true }
            e.body += data.prefix(Self.maxResponseBytes - e.body.count)
            return e.body.count >= Self.maxResponseBytes
        }
        if full { dataTask.cancel() }  // enough to show; the status is known
    }

    package func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let e = lock.withLock { () -> Exchange? in
            guard let e = exchange(task) else { return nil }
            if e.status == nil, let http = task.response as? HTTPURLResponse { e.status = http.statusCode }
            if let error, e.status == nil { e.error = Self.plain(error) }
            return e
        }
        e?.done.signal()
    }

    /// A transport error in a few words (`connection refused`, `cannot find host`).
    static func plain(_ error: Error) -> String {
        let ns = error as NSError
        switch ns.code {
        case NSURLErrorTimedOut: return "timed out"
        case NSURLErrorCannotConnectToHost: return "connection refused"
        case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed: return "cannot find host"
        case NSURLErrorNetworkConnectionLost: return "connection lost"
        case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateUntrusted,
             NSURLErrorServerCertificateHasBadDate, NSURLErrorServerCertificateNotYetValid:
            return "TLS failed: \(ns.localizedDescription)"
        default: return ns.localizedDescription
        }
    }

    static func seconds(_ t: Double) -> String { t == t.rounded() ? "\(Int(t))s" : "\(t)s" }

    /// Ends the session (in-flight requests are cancelled).
    package func close() {
        lock.withLock { session }?.invalidateAndCancel()
    }
}
