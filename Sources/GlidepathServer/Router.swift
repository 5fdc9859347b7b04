import GlidepathCore
import HTTPServer

/// Maps requests to handlers; a plain function from `HTTPRequest` to `HTTPResponse`, so every route is
/// testable without sockets. Counts each answer in `glidepath_http_requests_total{route,code}` under the
/// route's template, never the raw path (that would let clients mint series).
public final class Router: Sendable {
    public let controller: Controller
    public let auth: Authorizer
    /// Bodies above this answer 413 (the transport has its own, equal limit).
    public static let maxObservationBytes = 1 << 20

    public init(controller: Controller, auth: Authorizer = Authorizer(adminToken: nil, ingestToken: nil)) {
        self.controller = controller
        self.auth = auth
    }

    /// Weights answers counted with atomics and folded into `glidepath_http_requests_total` at scrape time,
    /// so the hot path takes no registry lock.
    let weightsCounts = HotCounters()

    public func handle(_ incoming: HTTPRequest) -> HTTPResponse {
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
    public func flushHotCounters() {
        for (code, n) in weightsCounts.drain() {
            controller.metrics.httpRequests.add(Double(n), labels: ["/v1/migrations/{name}/weights", Self.codeText(code)])
        }
    }

    /// The `{name}` of `/v1/migrations/{name}/weights`, without splitting the whole path.
    @inline(__always)
    static func weightsName(_ path: String) -> String? {
        let prefix = "/v1/migrations/", suffix = "/weights"
        guard path.hasSuffix(suffix), path.hasPrefix(prefix) else { return nil }
        let utf8 = path.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: prefix.utf8.count)
        let end = utf8.index(utf8.endIndex, offsetBy: -suffix.utf8.count)
        guard start < end else { return nil }
        let name = path[start..<end]
        return name.contains("/") ? nil : String(name)
    }

    /// The route template and the answer.
    func dispatch(_ r: HTTPRequest) -> (String, HTTPResponse) {
        let parts = r.path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].isEmpty else { return ("other", Self.notFound(r.path)) }
        switch parts.count {
        case 2:
            switch parts[1] {
            case "healthz": return ("/healthz", only("GET", r) { HTTPResponse.text(200, "ok\n") })
            case "readyz":
                return ("/readyz", only("GET", r) {
                    controller.notReadyReason().map { HTTPResponse.text(503, "not ready: \($0)\n") }
                        ?? HTTPResponse.text(200, "ready\n")
                })
            case "metrics":
                return ("/metrics", only("GET", r) {
                    flushHotCounters()
                    return HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "text/plain; version=0.0.4; charset=utf-8")]),
                                 body: controller.metrics.registry.render())
                })
            default: break
            }
        case 3 where parts[1] == "v1" && parts[2] == "migrations":
            return ("/v1/migrations", only("GET", r) { listMigrations() })
        case 4 where parts[1] == "v1" && parts[2] == "migrations" && !parts[3].isEmpty:
            let name = String(parts[3])
            switch r.method {
            case "GET": return ("/v1/migrations/{name}", getMigration(name))
            case "PUT": return ("/v1/migrations/{name}", putMigration(name, r))
            default: return ("/v1/migrations/{name}", Self.methodNotAllowed(r.method, allow: "GET, PUT"))
            }
        case 5 where parts[1] == "v1" && parts[2] == "migrations" && !parts[3].isEmpty:
            let name = String(parts[3])
            switch parts[4] {
            case "weights": return ("/v1/migrations/{name}/weights", only("GET", r) { weights(name, r) })
            case "observations": return ("/v1/migrations/{name}/observations", only("POST", r) { observations(name, r) })
            case "decisions": return ("/v1/migrations/{name}/decisions", only("GET", r) { decisions(name, r) })
            default:
                if let action = OperatorAction(rawValue: String(parts[4])) {
                    return ("/v1/migrations/{name}/\(action.rawValue)", only("POST", r) { act(action, name, r) })
                }
            }
        default: break
        }
        return ("other", Self.notFound(r.path))
    }

    private func only(_ method: String, _ r: HTTPRequest, _ handler: () -> HTTPResponse) -> HTTPResponse {
        r.method == method ? handler() : Self.methodNotAllowed(r.method, allow: method)
    }

    // MARK: Answers

    static func json(_ status: Int, _ value: JSON) -> HTTPResponse { .json(status, value.rendered) }

    static func error(_ e: APIError) -> HTTPResponse {
        var h = HTTPHeaders()
        if e.status == 401 { h.add("WWW-Authenticate", "Bearer") }
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
