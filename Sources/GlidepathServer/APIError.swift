import GlidepathCore

/// An error answer of the API: the HTTP status and the JSON body `{"error", "field"?, "line"?, "problems"?}`.
package struct APIError: Error, Sendable, CustomStringConvertible {
    package var status: Int
    package var message: String
    package var field: String?
    package var line: Int?
    /// Every problem of a refused policy (422).
    package var problems: [PolicyProblem]?
    /// The `WWW-Authenticate` challenge a refused credential answers with (RFC 6750 §3), nil otherwise.
    package var challenge: String?

    package init(status: Int, message: String, field: String? = nil, line: Int? = nil, problems: [PolicyProblem]? = nil,
                 challenge: String? = nil) {
        self.status = status
        self.message = message
        self.field = field
        self.line = line
        self.problems = problems
        self.challenge = challenge
    }

    package var description: String { message }

    package static func notFound(migration: String) -> APIError {
        APIError(status: 404, message: "no migration named \"\(migration)\"")
    }

    /// The JSON body.
    package var json: JSON {
        var members: [(String, JSON)] = [("error", .string(message))]
        if let field { members.append(("field", .string(field))) }
        if let line { members.append(("line", .int(Int64(line)))) }
        if let problems {
            members.append(("problems", .array(problems.map { p in
                var m: [(String, JSON)] = [("field", .string(p.path)), ("message", .string(p.message))]
                m.append(("line", p.line.map { .int(Int64($0)) } ?? .null))
                return .object(m)
            })))
        }
        return .object(members)
    }
}
