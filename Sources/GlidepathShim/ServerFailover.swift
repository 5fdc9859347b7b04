import Foundation
import Synchronization

/// The controller URLs in order (a primary, then its standbys), with the one that answered last.
///
/// A request goes to the sticky URL; on a thrown transport error (refused, reset, timed out) or a 5xx
/// answer (a standby refuses writes with 503) the next URL is tried, round to the first. While on a later
/// URL, the first is tried again every `retryFirstAfter` seconds, so traffic returns to the primary once
/// it is back. 304 and 4xx (404 included) are answers. When every URL fails, the last answer is returned
/// (or the last error thrown) and the next request starts again from the first.
final class ServerFailover: Sendable {
    /// Base URLs without a trailing slash.
    let bases: [String]
    let retryFirstAfter: Double
    private let state = Mutex<(current: Int, retryFirstAt: Double)>((0, 0))

    /// While on a later URL, the first is tried again after this many seconds.
    static let defaultRetryFirstAfter = 30.0
    /// At most this many controller URLs.
    static let maxServers = 8

    init(bases: [String], retryFirstAfter: Double = defaultRetryFirstAfter) {
        self.bases = bases
        self.retryFirstAfter = retryFirstAfter
    }

    /// The index of the URL that answered last.
    var current: Int { state.withLock { $0.current } }

    /// Sends `make(base)` to each URL in turn as described above. `now` is seconds on a monotonic clock;
    /// `switched` is told when the sticky URL changes.
    func send(now: @Sendable () -> Double, transport: any ShimTransport, _ make: (String) -> ShimRequest?,
              switched: (String, String) -> Void) async throws -> ShimResponse {
        let n = bases.count
        let t = now()
        let (sticky, start) = state.withLock { s -> (Int, Int) in
            (s.current, s.current != 0 && t >= s.retryFirstAt ? 0 : s.current)
        }
        var last: ShimResponse?
        var error: (any Error)?
        for k in 0..<n {
            let i = (start + k) % n
            guard let request = make(bases[i]) else { continue }
            let response: ShimResponse
            do { response = try await transport.send(request) } catch let e {
                error = e
                last = nil
                continue
            }
            if response.status >= 500 {
                last = response
                error = nil
                continue
            }
            let after = now()
            state.withLock { s in
                if i != 0 && start == 0 { s.retryFirstAt = after + retryFirstAfter }
                s.current = i
            }
            if i != sticky { switched(bases[sticky], bases[i]) }
            return response
        }
        state.withLock { $0.current = 0 }
        if let last { return last }
        throw error ?? URLError(.badURL)
    }

    /// The base URLs of a configuration (`servers`, else `server`), checked.
    static func bases(_ urls: [URL]) throws(ShimConfigurationError) -> [String] {
        guard !urls.isEmpty, urls.count <= maxServers else {
            throw ShimConfigurationError("servers must hold 1 to \(maxServers) controller URLs, got \(urls.count)")
        }
        return try urls.map { url throws(ShimConfigurationError) -> String in
            guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
                throw ShimConfigurationError("servers must be http(s) URLs, got \(url.absoluteString)")
            }
            var base = url.absoluteString
            while base.hasSuffix("/") { base.removeLast() }
            return base
        }
    }
}
