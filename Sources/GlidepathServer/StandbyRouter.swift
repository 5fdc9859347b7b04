import GlidepathCore
import HTTPServer

/// The routes of a standby: the weights documents byte for byte as the primary served them, the list, the
/// status of each migration, its decisions (admin), `/metrics`, `/healthz`, `/readyz`, `GET /v1/standby`
/// and `POST /v1/standby/promote` (admin). Every other write answers 503 naming the primary, from the
/// head, before any body byte is read.
package final class StandbyRouter: Sendable {
    package let state: StandbyState
    package let metrics: StandbyMetrics
    package let auth: Authorizer
    /// Carries out `POST /v1/standby/promote`: the answer's JSON, or why not.
    let promote: @Sendable () -> Result<JSON, APIError>
    /// Seconds a refused writer is told to wait (`Retry-After`).
    package static let retryAfterSeconds = 5

    package init(state: StandbyState, metrics: StandbyMetrics, auth: Authorizer,
                 promote: @escaping @Sendable () -> Result<JSON, APIError>) {
        self.state = state
        self.metrics = metrics
        self.auth = auth
        self.promote = promote
    }

    /// The head check: writes answer 503 at once; the promotion needs the admin token and runs on a worker.
    package func head(_ h: HTTPRequestHead) -> HTTPHeadVerdict {
        let r = h.request
        if r.method == "GET" || r.method == "HEAD" {
            return h.contentLength > Router.maxBodylessRouteBytes ? .respond(count("other", refusedBody())) : .inline
        }
        if r.path == "/v1/standby/promote" && r.method == "POST" {
            if let e = auth.checkAdmin(r) { return .respond(count("/v1/standby/promote", Router.error(e))) }
            return h.contentLength > Router.maxActionBytes ? .respond(count("/v1/standby/promote", refusedBody())) : .offload
        }
        return .respond(count(Self.template(r.path), writeRefused()))
    }

    package func handle(_ incoming: HTTPRequest) -> HTTPResponse {
        var r = incoming
        if r.method == "HEAD" { r.method = "GET" }
        let template = Self.template(r.path)
        return count(template, answer(r))
    }

    private func answer(_ r: HTTPRequest) -> HTTPResponse {
        if r.path == "/v1/standby/promote" {
            guard r.method == "POST" else { return Router.methodNotAllowed(r.method, allow: "POST") }
            if let e = auth.checkAdmin(r) { return Router.error(e) }
            switch promote() {
            case .success(let json): return Router.json(200, json)
            case .failure(let e): return Router.error(e)
            }
        }
        guard r.method == "GET" else { return writeRefused() }
        if r.path == "/v1/standby" || r.path == "/" { return Router.json(200, standbyJSON()) }
        guard let endpoint = Endpoint.of(r.path) else { return Router.notFound(r.path) }
        switch endpoint {
        case .healthz: return HTTPResponse.text(200, "ok\n")
        case .readyz:
            let h = state.health
            return h.hasState ? .text(200, "ready (standby of \(h.primary))\n")
                : .text(503, "not ready: standby of \(h.primary) has not followed it yet"
                        + (h.lastError.map { " (\($0.message))" } ?? "") + "\n")
        case .metrics:
            return HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "text/plain; version=0.0.4; charset=utf-8")]),
                                body: metrics.registry.render())
        case .list:
            return Router.json(200, .array(state.all().map(Self.summary)))
        case .weights(let name):
            return weights(name, r)
        case .migration(let name), .migrationPage(let name):
            guard let f = state.migration(name) else { return Router.error(.notFound(migration: name)) }
            return Router.json(200, status(f))
        case .decisions(let name):
            if let e = auth.checkAdmin(r) { return Router.error(e) }
            return decisions(name, r)
        default:
            return writeRefused()
        }
    }

    /// The followed document, its ETag and Cache-Control as the primary sent them; 304 on a match.
    func weights(_ name: String, _ r: HTTPRequest) -> HTTPResponse {
        guard let f = state.migration(name) else { return Router.error(.notFound(migration: name)) }
        var h = HTTPHeaders([("ETag", f.etag), ("Cache-Control", f.cacheControl)])
        if let inm = r.headers["If-None-Match"], Self.matches(inm, etag: f.etag) {
            return HTTPResponse(status: 304, headers: h)
        }
        h.add("Content-Type", "application/json")
        return HTTPResponse(status: 200, headers: h, body: f.weightsBody)
    }

    func decisions(_ name: String, _ r: HTTPRequest) -> HTTPResponse {
        guard let f = state.migration(name) else { return Router.error(.notFound(migration: name)) }
        var limit = 50
        if let text = r.query["limit"] {
            guard let n = Int(text), n >= 1, n <= 10_000 else {
                return Router.error(APIError(status: 400, message: "limit must be an integer from 1 to 10000", field: "limit"))
            }
            limit = n
        }
        let items = (try? JSONParser.parse(f.decisionsJSON, maxDepth: 16))?.elements ?? []
        let text = "[" + items.prefix(limit).map { $0.rendered() }.joined(separator: ",") + "]"
        return .json(200, text)
    }

    static func matches(_ header: String, etag: String) -> Bool {
        header.split(separator: ",").contains { part in
            var tag = part.trimmingSpaces()
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            return tag.elementsEqual(etag)
        }
    }

    // MARK: Documents

    static func summary(_ f: FollowedMigration) -> JSON {
        .object([("migration", .string(f.name)), ("revision", .int(f.revision)), ("state", .string(f.phase.rawValue)),
                 ("step", .int(Int64(f.step))), ("weights", weights(f))])
    }

    static func weights(_ f: FollowedMigration) -> JSON {
        .object([(f.baseline, .raw(f.candidateWeight.complement.description)),
                 (f.candidate, .raw(f.candidateWeight.description))])
    }

    func status(_ f: FollowedMigration) -> JSON {
        .object([("migration", .string(f.name)), ("revision", .int(f.revision)), ("state", .string(f.phase.rawValue)),
                 ("step", .int(Int64(f.step))), ("baseline", .string(f.baseline)), ("candidate", .string(f.candidate)),
                 ("weights", Self.weights(f)), ("followedAt", .string(ISOTime.format(milliseconds: f.followedAt))),
                 ("standby", standbyJSON())])
    }

    func standbyJSON() -> JSON {
        let h = state.health
        return .object([
            ("role", .string("standby")), ("primary", .string(h.primary)), ("following", .bool(h.following)),
            ("lastFollowAt", h.lastSuccessWall.map { .string(ISOTime.format(milliseconds: $0)) } ?? .null),
            ("primaryUnreachableSince", h.unreachableSince.map { .string(ISOTime.format(milliseconds: $0)) } ?? .null),
            ("problem", .optional(h.problem)), ("migrations", .int(Int64(h.migrations))),
            ("writes", .string("send writes to the primary; promote this standby with glidepath promote-standby")),
        ])
    }

    // MARK: Refusals

    /// 503 naming the primary, with `Retry-After`.
    func writeRefused() -> HTTPResponse {
        var h = HTTPHeaders([("Retry-After", String(Self.retryAfterSeconds))])
        h.add("Content-Type", "application/json")
        let body = JSON.object([("error", .string("standby of \(state.primary): send writes to the primary")),
                                ("primary", .string(state.primary))])
        return HTTPResponse(status: 503, headers: h, body: Array(body.rendered.utf8))
    }

    private func refusedBody() -> HTTPResponse {
        Router.error(APIError(status: 413, message: "this endpoint takes no body this large"))
    }

    /// Counts an answer under its route template.
    private func count(_ template: String, _ response: HTTPResponse) -> HTTPResponse {
        metrics.httpRequests.add(1, labels: [template, Router.codeText(response.status)])
        return response
    }

    static func template(_ path: String) -> String {
        if path == "/v1/standby" || path == "/v1/standby/promote" { return path }
        return Endpoint.of(path)?.template ?? "other"
    }
}
