/// One problem in a policy: where (a JSON path such as `steps[2].weight`) and what.
public struct PolicyProblem: Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    /// 1-based line in the source, when known.
    public var line: Int?

    public init(path: String, message: String, line: Int? = nil) {
        self.path = path
        self.message = message
        self.line = line
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Every problem found in a policy (never just the first).
public struct PolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    public var problems: [PolicyProblem]

    public init(problems: [PolicyProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Parses and validates a policy (JSON text) into a `Policy`, applying every default.
public enum PolicyParser {
    public static func parse(_ source: String) -> Result<Policy, PolicyError> {
        fatalError("TODO")
    }
}
