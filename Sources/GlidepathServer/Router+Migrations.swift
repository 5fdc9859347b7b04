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
        func reject(_ reason: String, _ e: APIError) -> HTTPResponse {
            rejected.add(1, labels: [reason])
            controller.rejectedBatches.note(migration: name, known: reason != "unknown_migration", reason: reason,
                                            message: e.message, now: controller.time.read().steady)
            return Self.error(e)
        }
        guard let served = controller.served(name) else {
            return reject("unknown_migration", .notFound(migration: name))
        }
        if let type = r.headers["Content-Type"], !Self.acceptsAsLines(type) {
            return reject("content_type", APIError(status: 415, message: "observations are lines of text (Content-Type: text/plain), got \(type)"))
        }
        if let encoding = r.headers["Content-Encoding"], encoding.lowercased() != "identity" {
            return reject("content_encoding", APIError(status: 415, message: "Content-Encoding \(encoding) is not supported; send the lines uncompressed"))
        }
        if let revision = r.headers["Glidepath-Revision"], Int64(revision) == nil {
            return reject("bad_header", APIError(status: 400, message: "Glidepath-Revision must be an integer revision, got \(jsonQuoted(revision))",
                                       field: "Glidepath-Revision"))
        }
        let shimReports: (trips: Int, fallbacks: Int)
        switch (Self.shimReport(r.headers, "Glidepath-Breaker-Trips"), Self.shimReport(r.headers, "Glidepath-Fallbacks")) {
        case (.success(let trips), .success(let fallbacks)): shimReports = (trips, fallbacks)
        case (.failure(let e), _), (_, .failure(let e)):
            return reject("bad_header", e)
        }
        guard r.body.count <= Self.maxObservationBytes else {
            return reject("too_large", APIError(status: 413, message: "the body is \(r.body.count) bytes; the limit is 1 MiB"))
        }
        guard !r.body.isEmpty else {
            return reject("empty", APIError(status: 400, message: "the body is empty; send one observation per line"))
        }
        let batch: ObservationBatch
        do {
            batch = try ObservationParser.parse(r.body, baseline: served.baseline, candidate: served.candidate,
                                                classifier: served.classifier)
        } catch {
            return reject(error.reason, APIError(status: 400, message: error.message, line: error.line))
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
        let actor: String?
        switch Self.actor(field: nil, r) {
        case .failure(let e): return Self.error(e)
        case .success(let a): actor = a
        }
        do {
            let (outcome, entry) = try controller.apply(policySource: source, name: name, by: actor)
            return Self.json(outcome == .created ? 201 : 200, StatusJSON.full(entry, now: controller.time.read()))
        } catch {
            return Self.error(error)
        }
    }

    func act(_ action: OperatorAction, _ name: String, _ r: HTTPRequest) -> HTTPResponse {
        if let e = auth.checkAdmin(r) { return Self.error(e) }
        var reason: String?
        var actorField: Any?
        var weight: Weight?
        if action == .setWeight, r.body.isEmpty {
            return Self.error(APIError(status: 400, message: "set-weight needs a body such as {\"weight\": 2.5, "
                                       + "\"reason\": \"...\"}", field: "weight"))
        }
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
            actorField = obj["actor"]
            if action == .setWeight {
                switch Self.heldWeight(r.body) {
                case .failure(let e): return Self.error(e)
                case .success(let w): weight = w
                }
            }
        }
        let actor: String?
        switch Self.actor(field: actorField, r) {
        case .failure(let e): return Self.error(e)
        case .success(let a): actor = a
        }
        do {
            return Self.json(200, StatusJSON.full(try controller.perform(action, migration: name, reason: reason,
                                                                         weight: weight, by: actor),
                                           now: controller.time.read()))
        } catch {
            return Self.error(error)
        }
    }

    /// `set-weight`'s `weight`: a JSON number, a percentage 0...100 with at most two decimals (read from the
    /// number's text, so `12.345` is refused however it rounds).
    static func heldWeight(_ body: [UInt8]) -> Result<Weight, APIError> {
        let member = (try? JSONParser.parse(String(decoding: body, as: UTF8.self)))?.members?
            .first(where: { $0.key == "weight" })?.value
        guard let member else {
            return .failure(APIError(status: 400, message: "set-weight needs a weight, such as {\"weight\": 2.5}",
                                     field: "weight"))
        }
        guard let text = member.numberText else {
            return .failure(APIError(status: 400, message: "weight must be a number (a percentage), found "
                                     + member.typeName, field: "weight"))
        }
        guard let w = Weight(percentText: text) else {
            return .failure(APIError(status: 422, message: "weight must be from 0 to 100 with at most two decimals, "
                                     + "found \(text); nothing changed", field: "weight"))
        }
        return .success(w)
    }

    /// Who acts: the body's `actor` field when given, else the `Glidepath-Actor` header; nil when neither.
    /// A name that is not a bounded single line answers 400/422 and nothing changes.
    static func actor(field: Any?, _ r: HTTPRequest) -> Result<String?, APIError> {
        let text: String
        if let field {
            guard let s = field as? String else {
                return .failure(APIError(status: 400, message: "actor must be a string such as \"alice@laptop\"",
                                         field: "actor"))
            }
            text = s
        } else if let header = r.headers["Glidepath-Actor"] {
            text = header
        } else {
            return .success(nil)
        }
        switch ActorName.validate(text) {
        case .success(let name): return .success(name)
        case .failure(let problem):
            return .failure(APIError(status: 422, message: problem.message + "; nothing changed", field: "actor"))
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
