import Foundation
import GlidepathCore
import HTTPServer

/// `DELETE /v1/migrations/{name}` and `GET /v1/archive/{name}`.
extension Router {
    /// Deletes (archives) a promoted, rolled-back or paused migration. Optional body `{"reason": "...",
    /// "actor": "..."}`; the actor may come from `Glidepath-Actor` too. 200 with the archive record.
    func deleteMigration(_ name: String, _ r: HTTPRequest) -> HTTPResponse {
        if let e = auth.checkAdmin(r) { return Self.error(e) }
        var reason: String?
        var actorField: Any?
        if !r.body.isEmpty {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] else {
                return Self.error(APIError(status: 400, message: "the body must be a JSON object such as {\"reason\": \"...\"}"))
            }
            if let value = obj["reason"] {
                guard let text = value as? String else {
                    return Self.error(APIError(status: 400, message: "reason must be a string", field: "reason"))
                }
                guard text.utf8.count <= OperatorAction.maxReasonBytes else {
                    return Self.error(APIError(status: 422, message: "reason is \(text.utf8.count) bytes long; at most "
                        + "\(OperatorAction.maxReasonBytes) bytes (1 KiB) are allowed, nothing changed", field: "reason"))
                }
                reason = text
            }
            actorField = obj["actor"]
        }
        let actor: String?
        switch Self.actor(field: actorField, r) {
        case .failure(let e): return Self.error(e)
        case .success(let a): actor = a
        }
        do {
            let record = try controller.delete(migration: name, reason: reason, by: actor)
            return Self.json(200, Self.archiveJSON(record, decisions: nil))
        } catch {
            return Self.error(error)
        }
    }

    /// The archives of a name, newest first, each with up to `limit` (default 50, 1...10000) decisions.
    func archived(_ name: String, _ r: HTTPRequest) -> HTTPResponse {
        if let e = auth.checkAdmin(r) { return Self.error(e) }
        var limit = 50
        if let text = r.query["limit"] {
            guard let n = Int(text), n >= 1, n <= 10_000 else {
                return Self.error(APIError(status: 400, message: "limit must be an integer from 1 to 10000", field: "limit"))
            }
            limit = n
        }
        do {
            let list = try controller.archived(migration: name, limit: limit)
            return Self.json(200, .array(list.map { Self.archiveJSON($0.0, decisions: $0.1) }))
        } catch {
            return Self.error(error)
        }
    }

    /// One archive record; `decisions` (newest first) when listed.
    static func archiveJSON(_ a: ArchivedMigration, decisions: [Decision]?) -> JSON {
        var fields: [(String, JSON)] = [
            ("migration", .string(a.migration)), ("deleted", .bool(true)), ("archive", .int(a.id)),
            ("archivedAt", .string(ISOTime.format(milliseconds: a.archivedAt))), ("state", .string(a.phase)),
            ("step", .int(Int64(a.step))), ("revision", .int(a.revision)), ("policyVersion", .int(Int64(a.policyVersion))),
        ]
        if let by = a.by { fields.append(("by", .string(by))) }
        fields += [("reason", .string(a.reason)), ("decisionCount", .int(Int64(a.decisionCount)))]
        if let decisions { fields.append(("decisions", .array(decisions.map(StatusJSON.decision)))) }
        return .object(fields)
    }
}
