import GlidepathCore

/// An error answer of the API: the HTTP status and the JSON body `{"error", "field"?, "line"?, "problems"?}`.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var message: String
    public var field: String?
    public var line: Int?
    /// Every problem of a refused policy (422).
    public var problems: [PolicyProblem]?

    public init(status: Int, message: String, field: String? = nil, line: Int? = nil, problems: [PolicyProblem]? = nil) {
        self.status = status
        self.message = message
        self.field = field
        self.line = line
        self.problems = problems
    }

    public var description: String { message }

    public static func notFound(migration: String) -> APIError {
        APIError(status: 404, message: "no migration named \"\(migration)\"")
    }

    /// The JSON body.
    public var json: JSON {
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
