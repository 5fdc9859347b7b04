import Foundation
import GlidepathCore
import HTTPServer

extension Router {
    func listMigrations() -> HTTPResponse {
        let live = controller.allEntries().map { ($0.name, StatusJSON.summary($0)) }
        let broken = controller.allBroken().map { ($0.name, StatusJSON.summary($0)) }
        return Self.json(200, .array((live + broken).sorted { $0.0 < $1.0 }.map(\.1)))
    }

    func getMigration(_ name: String) -> HTTPResponse {
        if let b = controller.brokenMigration(name) { return Self.json(200, StatusJSON.full(b)) }
        guard let e = controller.entry(name) else { return Self.error(.notFound(migration: name)) }
        return Self.json(200, StatusJSON.full(e, now: controller.time.read()))
    }

    /// The hot path: one look-up, pre-rendered bytes.
    func weights(_ name: String, _ r: HTTPRequest) -> HTTPResponse {
        guard let served = controller.served(name) else { return Self.error(.notFound(migration: name)) }
        let doc = served.weights
        if let shim = r.headers["Glidepath-Shim"], !shim.isEmpty {
            shims.note(shim, migration: name, revision: doc.revision, pollAfterMs: doc.pollAfterMs,
                       now: SystemTimeSource.monotonic())
        }
        var h = HTTPHeaders([("ETag", doc.etag), ("Cache-Control", doc.cacheControl)])
        if let inm = r.headers["If-None-Match"], doc.matches(ifNoneMatch: inm) {
            return HTTPResponse(status: 304, headers: h)
        }
        h.add("Content-Type", "application/json")
        return HTTPResponse(status: 200, headers: h, body: doc.body)
    }

    func observations(_ name: String, _ r: HTTPRequest) -> HTTPResponse {
        if let e = auth.checkIngest(r) { return Self.error(e) }
        let rejected = controller.metrics.observationsRejected
        guard let served = controller.served(name) else {
            rejected.add(1, labels: ["unknown_migration"])
            return Self.error(.notFound(migration: name))
        }
        if let type = r.headers["Content-Type"], !Self.acceptsAsLines(type) {
            rejected.add(1, labels: ["content_type"])
            return Self.error(APIError(status: 415, message: "observations are lines of text (Content-Type: text/plain), got \(type)"))
        }
        if let encoding = r.headers["Content-Encoding"], encoding.lowercased() != "identity" {
            rejected.add(1, labels: ["content_encoding"])
            return Self.error(APIError(status: 415, message: "Content-Encoding \(encoding) is not supported; send the lines uncompressed"))
        }
        if let revision = r.headers["Glidepath-Revision"], Int64(revision) == nil {
            rejected.add(1, labels: ["bad_header"])
            return Self.error(APIError(status: 400, message: "Glidepath-Revision must be an integer revision, got \(jsonQuoted(revision))",
                                       field: "Glidepath-Revision"))
        }
        let shimReports: (trips: Int, fallbacks: Int)
        switch (Self.shimReport(r.headers, "Glidepath-Breaker-Trips"), Self.shimReport(r.headers, "Glidepath-Fallbacks")) {
        case (.success(let trips), .success(let fallbacks)): shimReports = (trips, fallbacks)
        case (.failure(let e), _), (_, .failure(let e)):
            rejected.add(1, labels: ["bad_header"])
            return Self.error(e)
        }
        guard r.body.count <= Self.maxObservationBytes else {
            rejected.add(1, labels: ["too_large"])
            return Self.error(APIError(status: 413, message: "the body is \(r.body.count) bytes; the limit is 1 MiB"))
        }
        guard !r.body.isEmpty else {
            rejected.add(1, labels: ["empty"])
            return Self.error(APIError(status: 400, message: "the body is empty; send one observation per line"))
        }
        let batch: ObservationBatch
        do {
            batch = try ObservationParser.parse(r.body, baseline: served.baseline, candidate: served.candidate,
                                                classifier: served.classifier)
        } catch {
            rejected.add(1, labels: [error.reason])
            return Self.error(APIError(status: 400, message: error.message, line: error.line))
        }
        controller.metrics.merge(batch, migration: name, served: served)
        controller.metrics.addShimReports(trips: shimReports.trips, fallbacks: shimReports.fallbacks, migration: name)
        return Self.json(202, .object([("accepted", .int(Int64(batch.lines)))]))
    }

    func putMigration(_ name: String, _ r: HTTPRequest) -> HTTPResponse {
        if let e = auth.checkAdmin(r) { return Self.error(e) }
        guard let source = String(bytes: r.body, encoding: .utf8) else {
            return Self.error(APIError(status: 400, message: "the policy must be UTF-8 JSON"))
        }
        do {
            let (outcome, entry) = try controller.apply(policySource: source, name: name)
            return Self.json(outcome == .created ? 201 : 200, StatusJSON.full(entry, now: controller.time.read()))
        } catch {
            return Self.error(error)
        }
    }

    func act(_ action: OperatorAction, _ name: String, _ r: HTTPRequest) -> HTTPResponse {
        if let e = auth.checkAdmin(r) { return Self.error(e) }
        var reason: String?
        if !r.body.isEmpty {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] else {
                return Self.error(APIError(status: 400, message: "the body must be a JSON object such as {\"reason\": \"...\"}"))
            }
            if let value = obj["reason"] {
                guard let text = value as? String else {
                    return Self.error(APIError(status: 400, message: "reason must be a string", field: "reason"))
                }
                let bytes = text.utf8.count
                guard bytes <= OperatorAction.maxReasonBytes else {
                    return Self.error(APIError(status: 422, message: "reason is \(bytes) bytes long; at most "
                                               + "\(OperatorAction.maxReasonBytes) bytes (1 KiB) are allowed, nothing changed",
                                               field: "reason"))
                }
                reason = text.isEmpty ? nil : text
            }
        }
        do {
            return Self.json(200, StatusJSON.full(try controller.perform(action, migration: name, reason: reason),
                                           now: controller.time.read()))
        } catch {
            return Self.error(error)
        }
    }

    func decisions(_ name: String, _ r: HTTPRequest) -> HTTPResponse {
        if let e = auth.checkAdmin(r) { return Self.error(e) }
        var limit = 50
        if let text = r.query["limit"] {
            guard let n = Int(text), n >= 1, n <= 10_000 else {
                return Self.error(APIError(status: 400, message: "limit must be an integer from 1 to 10000", field: "limit"))
            }
            limit = n
        }
        do {
            return Self.json(200, .array(try controller.decisions(migration: name, limit: limit).map(StatusJSON.decision)))
        } catch {
            return Self.error(error)
        }
    }

    /// Content types an ingest body may carry: `text/plain` as the protocol says, plus what generic
    /// clients send by default for a raw body (`curl --data-binary` sends form-urlencoded). A JSON or
    /// multipart body is a client mistake and answers 415.
    static func acceptsAsLines(_ contentType: String) -> Bool {
        let media = contentType.lowercased().split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return media == "text/plain" || media == "application/octet-stream" || media == "application/x-www-form-urlencoded"
    }
}
