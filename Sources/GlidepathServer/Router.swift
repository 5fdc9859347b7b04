import GlidepathCore
import HTTPServer

/// Maps requests to handlers; a plain function from `HTTPRequest` to `HTTPResponse`, so every route is
/// testable without sockets. Counts each answer in `glidepath_http_requests_total{route,code}` under the
/// route's template, never the raw path (that would let clients mint series).
package final class Router: Sendable {
    package let controller: Controller
    package let auth: Authorizer
    /// Which revision each shim last fetched (`glidepath_shims`); bounded whatever ids clients send.
    package var shims: ShimTracker { controller.shims }
    /// Bodies above this answer 413 (the transport has its own, equal limit).
    package static let maxObservationBytes = 1 << 20
    /// A policy document above this answers 413.
    package static let maxPolicyBytes = 1 << 20
    /// An operator action's body (`{"reason": ...}`) above this answers 413.
    package static let maxActionBytes = 64 * 1024
    /// Endpoints that read no body still accept a small one (some clients send `{}`), no more.
    package static let maxBodylessRouteBytes = 64 * 1024

    package init(controller: Controller, auth: Authorizer = Authorizer(adminToken: nil, ingestToken: nil)) {
        self.controller = controller
        self.auth = auth
    }

    /// Weights answers counted with atomics and folded into `glidepath_http_requests_total` at scrape time,
    /// so the hot path takes no registry lock.
    let weightsCounts = HotCounters()

    package func handle(_ incoming: HTTPRequest) -> HTTPResponse {
        var request = incoming
        // HEAD is GET without a body; the transport drops the body.
        if request.method == "HEAD" { request.method = "GET" }
        if request.method == "GET", let name = Self.weightsName(request.path) {
            let response = weights(name, request)
            weightsCounts.count(response.status)
            return response
        }
        let (route, response) = dispatch(request)
        controller.metrics.httpRequests.add(1, labels: [route, Self.codeText(response.status)])
        return response
    }

    /// Folds the hot-path counts into the registry (done before every `/metrics` render).
    package func flushHotCounters() {
        for (code, n) in weightsCounts.drain() {
            controller.metrics.httpRequests.add(Double(n), labels: ["/v1/migrations/{name}/weights", Self.codeText(code)])
        }
    }

    /// The `{name}` of `/v1/migrations/{name}/weights`, without splitting the whole path. The path keeps
    /// `%2F` encoded, so `/v1/migrations/m1%2fweights` is not a weights path; a name's `%2F` and `%25`
    /// are decoded (`a%2Fb` names the migration "a/b").
    @inline(__always)
    static func weightsName(_ path: String) -> String? {
        let prefix = "/v1/migrations/", suffix = "/weights"
        guard path.hasSuffix(suffix), path.hasPrefix(prefix) else { return nil }
        let utf8 = path.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: prefix.utf8.count)
        let end = utf8.index(utf8.endIndex, offsetBy: -suffix.utf8.count)
        guard start < end else { return nil }
        var escaped = false
        for b in utf8[start..<end] {
            if b == 47 { return nil }
            if b == 37 { escaped = true }
        }
        let name = path[start..<end]
        return escaped ? HTTPRequest.decodedSegment(name) : String(name)
    }

    /// The route template and the answer.
    func dispatch(_ r: HTTPRequest) -> (String, HTTPResponse) {
        guard let endpoint = Endpoint.of(r.path) else { return ("other", Self.notFound(r.path)) }
        guard endpoint.allows(r.method) else {
            return (endpoint.template, Self.methodNotAllowed(r.method, allow: endpoint.allow))
        }
        let response: HTTPResponse
        switch endpoint {
        case .healthz: response = HTTPResponse.text(200, "ok\n")
        case .readyz:
            response = controller.notReadyReason().map { HTTPResponse.text(503, "not ready: \($0)\n") }
                ?? HTTPResponse.text(200, "ready\n")
        case .metrics:
            flushHotCounters()
            shims.expireAll(now: SystemTimeSource.monotonic())
            response = HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "text/plain; version=0.0.4; charset=utf-8")]),
                                    body: controller.metrics.registry.render())
        case .list: response = listMigrations()
        case .overviewPage: response = overviewPage(r)
        case .migrationPage(let name): response = migrationPage(name, r)
        case .migration(let name):
            switch r.method {
            case "PUT": response = putMigration(name, r)
            case "DELETE": response = deleteMigration(name, r)
            default: response = getMigration(name)
            }
        case .archive(let name): response = archived(name, r)
        case .weights(let name): response = weights(name, r)
        case .observations(let name): response = observations(name, r)
        case .decisions(let name): response = decisions(name, r)
        case .action(let action, let name): response = act(action, name, r)
        }
        return (endpoint.template, response)
    }

    // MARK: Answers

    static func json(_ status: Int, _ value: JSON) -> HTTPResponse { .json(status, value.rendered) }

    static func error(_ e: APIError) -> HTTPResponse {
        var h = HTTPHeaders()
        if let challenge = e.challenge ?? (e.status == 401 ? Authorizer.challenge(error: nil) : nil) {
            h.add("WWW-Authenticate", challenge)
        }
        return .json(e.status, e.json.rendered, headers: h)
    }

    static func notFound(_ path: String) -> HTTPResponse {
        error(APIError(status: 404, message: "no such endpoint: \(path)"))
    }

    static func methodNotAllowed(_ method: String, allow: String) -> HTTPResponse {
        var r = error(APIError(status: 405, message: "method \(method) is not allowed here; allowed: \(allow)"))
        r.headers.add("Allow", allow)
        return r
    }

    private static let codeTexts: [String] = (0..<600).map { String($0) }
    static func codeText(_ code: Int) -> String { code >= 0 && code < 600 ? codeTexts[code] : String(code) }
}
