import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `FollowTransport`: URLSession (FoundationNetworking on Linux), http and https (system CAs).
/// Never follows redirects, keeps no cookies and no cache, stops reading at the cap, and gives up at the
/// timeout whatever the primary does.
package final class URLSessionFollowTransport: NSObject, FollowTransport, URLSessionDataDelegate, @unchecked Sendable {
    private final class Exchange: @unchecked Sendable {
        var response: HTTPURLResponse?
        var body: [UInt8] = []
        var maxBytes = 0
        var tooLarge = false
        var error: String?
        let done = DispatchSemaphore(value: 0)
    }

    private let lock = NSLock()
    private var exchanges: [Int: Exchange] = [:]
    private var session: URLSession?

    package override init() { super.init() }

    private func currentSession() -> URLSession {
        lock.withLock {
            if let session { return session }
            let config = URLSessionConfiguration.ephemeral
            config.httpShouldSetCookies = false
            config.httpCookieAcceptPolicy = .never
            config.urlCache = nil
            config.requestCachePolicy = .reloadIgnoringLocalCacheData
            config.httpMaximumConnectionsPerHost = 2
            let s = URLSession(configuration: config, delegate: self, delegateQueue: nil)
            session = s
            return s
        }
    }

    package func get(_ url: String, headers: [(String, String)], timeout: Double, maxBytes: Int) -> FollowResponse {
        guard let u = URL(string: url), let scheme = u.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return .unreachable("not an http(s) URL: \(url)")
        }
        var r = URLRequest(url: u, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        r.httpMethod = "GET"
        r.httpShouldHandleCookies = false
        for (name, value) in headers { r.setValue(value, forHTTPHeaderField: name) }
        let exchange = Exchange()
        exchange.maxBytes = maxBytes
        let task = currentSession().dataTask(with: r)
        lock.withLock { exchanges[task.taskIdentifier] = exchange }
        task.resume()
        let finished = exchange.done.wait(timeout: .now() + timeout) == .success
        if !finished { task.cancel() }
        lock.withLock { exchanges[task.taskIdentifier] = nil }
        return lock.withLock {
            guard let http = exchange.response else {
                return .unreachable(finished ? (exchange.error ?? "no answer")
                                             : "timed out after \(URLSessionWebhookTransport.seconds(timeout))")
            }
            if !finished && !exchange.tooLarge {
                return .unreachable("timed out after \(URLSessionWebhookTransport.seconds(timeout)) reading the body")
            }
            if exchange.error != nil && !exchange.tooLarge {
                return .unreachable(exchange.error ?? "connection lost")
            }
            return FollowResponse(status: http.statusCode, etag: http.value(forHTTPHeaderField: "ETag"),
                                  cacheControl: http.value(forHTTPHeaderField: "Cache-Control"), body: exchange.body,
                                  tooLarge: exchange.tooLarge)
        }
    }

    private func exchange(_ task: URLSessionTask) -> Exchange? { exchanges[task.taskIdentifier] }

    package func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    package func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                            completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.withLock { exchange(dataTask)?.response = response as? HTTPURLResponse }
        completionHandler(.allow)
    }

    package func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let full = lock.withLock { () -> Bool in
            guard let e = exchange(dataTask) else { return true }
            let room = e.maxBytes - e.body.count
            e.body += data.prefix(max(0, room))
            if data.count > room { e.tooLarge = true }
            return e.tooLarge
        }
        if full {
            dataTask.cancel()
            lock.withLock { exchange(dataTask) }?.done.signal()
        }
    }

    package func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let e = lock.withLock { () -> Exchange? in
            guard let e = exchange(task) else { return nil }
            if e.response == nil { e.response = task.response as? HTTPURLResponse }
            if let error, !e.tooLarge { e.error = URLSessionWebhookTransport.plain(error) }
            return e
        }
        if let e, !e.tooLarge { e.done.signal() }
    }

    /// Ends the session (in-flight requests are cancelled).
    package func close() {
        lock.withLock { session }?.invalidateAndCancel()
    }
}
