import Dispatch
import Foundation
import HTTPServer

/// Several HTTP GETs at once, each on its own thread and bounded by `timeout`: a source with 16 targets
/// takes one timeout at worst, not 16.
package enum ParallelGet {
    package static func run(_ urls: [String], timeout: Double, maxBytes: Int) -> [Result<HTTPClient.Response, HTTPClientError>] {
        let box = Box(count: urls.count)
        let group = DispatchGroup()
        for (i, url) in urls.enumerated().dropFirst() {
            group.enter()
            let t = Thread {
                box.set(i, get(url, timeout: timeout, maxBytes: maxBytes))
                group.leave()
            }
            t.name = "glidepath-source-read"
            t.start()
        }
        if let first = urls.first { box.set(0, get(first, timeout: timeout, maxBytes: maxBytes)) }
        group.wait()
        return box.results()
    }

    static func get(_ url: String, timeout: Double, maxBytes: Int) -> Result<HTTPClient.Response, HTTPClientError> {
        do {
            return .success(try HTTPClient.send(method: "GET", url: url, headers: [("Accept", "text/plain, application/json")],
                                                timeout: timeout, maxResponseBytes: maxBytes))
        } catch let error as HTTPClientError {
            return .failure(error)
        } catch {
            return .failure(HTTPClientError(kind: .io, url: url, message: "\(error)"))
        }
    }

    private final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Result<HTTPClient.Response, HTTPClientError>?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: Result<HTTPClient.Response, HTTPClientError>) { lock.withLock { slots[i] = r } }
        func results() -> [Result<HTTPClient.Response, HTTPClientError>] {
            lock.withLock { slots.map { $0 ?? .failure(HTTPClientError(kind: .io, url: "", message: "no answer")) } }
        }
    }
}

extension HTTPClientError {
    /// What a source read shows: the sentence without the URL (the caller names the source).
    var plain: String { message }
}
