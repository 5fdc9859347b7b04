import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What the controller's two URLSession transports (`URLSessionWebhookTransport`, `URLSessionFollowTransport`)
/// share: an ephemeral session made on first use (no cookies, no cache), redirects never followed (the 3xx
/// is the answer), an answer's body read up to a cap (then the request is cancelled), and a wait that gives
/// up at the timeout whatever the peer does.
final class URLSessionExchanges: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    /// What one request got, read under the lock once it is over (or timed out).
    struct Outcome {
        /// False when the timeout ended the wait.
        var finished: Bool
        var response: HTTPURLResponse?
        var body: [UInt8]
        /// The body went past the cap: `body` holds its first `maxBytes` bytes.
        var tooLarge: Bool
        /// The transport error in a few words (`plain`), if any.
        var error: String?
    }

    /// One request in flight: what arrived so far, and the signal that it is over.
    private final class Exchange: @unchecked Sendable {
        var response: HTTPURLResponse?
        var body: [UInt8] = []
        let maxBytes: Int
        var tooLarge = false
        var error: String?
        let done = DispatchSemaphore(value: 0)

        init(maxBytes: Int) { self.maxBytes = max(0, maxBytes) }
    }

    private let maxConnectionsPerHost: Int
    private let lock = NSLock()
    private var exchanges: [Int: Exchange] = [:]
    private var session: URLSession?

    init(maxConnectionsPerHost: Int) {
        self.maxConnectionsPerHost = min(max(1, maxConnectionsPerHost), 16)
        super.init()
    }

    /// The session, made on first use (a controller without webhooks never makes one).
    private func currentSession() -> URLSession {
        lock.withLock {
            if let session { return session }
            let config = URLSessionConfiguration.ephemeral
            config.httpShouldSetCookies = false
            config.httpCookieAcceptPolicy = .never
            config.urlCache = nil
            config.requestCachePolicy = .reloadIgnoringLocalCacheData
            config.httpMaximumConnectionsPerHost = maxConnectionsPerHost
            let s = URLSession(configuration: config, delegate: self, delegateQueue: nil)
            session = s
            return s
        }
    }

    /// An http(s) URL, or nil.
    static func httpURL(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { return nil }
        return url
    }

    /// A request without cache or cookies, given up after `timeout` seconds.
    static func request(_ url: URL, method: String, headers: [(String, String)], timeout: Double) -> URLRequest {
        var r = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        r.httpMethod = method
        r.httpShouldHandleCookies = false
        for (name, value) in headers { r.setValue(value, forHTTPHeaderField: name) }
        return r
    }

    /// Sends `request` and waits for it: at most `timeout` seconds, at most `maxBytes` of the body.
    func perform(_ request: URLRequest, timeout: Double, maxBytes: Int) -> Outcome {
        let exchange = Exchange(maxBytes: maxBytes)
        let task = currentSession().dataTask(with: request)
        lock.withLock { exchanges[task.taskIdentifier] = exchange }
        task.resume()
        let finished = exchange.done.wait(timeout: .now() + timeout) == .success
        if !finished { task.cancel() }
        // The delegate may still be writing `exchange` after a timeout: read it under the lock.
        return lock.withLock {
            exchanges[task.taskIdentifier] = nil
            return Outcome(finished: finished, response: exchange.response, body: exchange.body,
                           tooLarge: exchange.tooLarge, error: exchange.error)
        }
    }

    private func exchange(_ task: URLSessionTask) -> Exchange? { exchanges[task.taskIdentifier] }

    // MARK: URLSessionDataDelegate

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)  // the redirect itself is the answer
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                            completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.withLock { exchange(dataTask)?.response = response as? HTTPURLResponse }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let full = lock.withLock { () -> Bool in
            guard let e = exchange(dataTask) else { return true }
            let room = e.maxBytes - e.body.count
            e.body += data.prefix(max(0, room))
            if data.count > room { e.tooLarge = true }
            return e.tooLarge
        }
        if full {  // enough read; the status is known
            dataTask.cancel()
            lock.withLock { exchange(dataTask) }?.done.signal()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let e = lock.withLock { () -> Exchange? in
            guard let e = exchange(task) else { return nil }
            if e.response == nil { e.response = task.response as? HTTPURLResponse }
            if let error, !e.tooLarge { e.error = Self.plain(error) }
            return e
        }
        if let e, !e.tooLarge { e.done.signal() }  // a body past the cap signalled already
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
    func close() {
        lock.withLock { session }?.invalidateAndCancel()
    }
}
