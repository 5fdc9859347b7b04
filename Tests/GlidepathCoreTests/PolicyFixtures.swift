@testable import GlidepathCore

/// Builds policy JSON texts for tests: a small valid policy, one member per line, with members
/// replaced (`value` text), removed (`nil`) or added at the end.
enum PolicyFixtures {
    static let base: [(String, String)] = [
        ("migration", #""chat""#),
        ("baseline", #""a""#),
        ("candidate", #""b""#),
        ("steps", #"[{"weight": 100}]"#),
    ]

    static func policy(_ changes: [(String, String?)] = []) -> String {
        var members = base.map { ($0.0, Optional($0.1)) }
        for (key, value) in changes {
            if let i = members.firstIndex(where: { $0.0 == key }) {
                members[i].1 = value
            } else {
                members.append((key, value))
            }
        }
        let lines = members.compactMap { key, value in value.map { "  \(jsonQuoted(key)): \($0)" } }
        return "{\n" + lines.joined(separator: ",\n") + "\n}"
    }

    static func problems(_ source: String) -> [PolicyProblem] {
        switch PolicyParser.parse(source) {
        case .success: []
        case .failure(let error): error.problems
        }
    }
}

/// One row of a validation table: a change to the small valid policy and the one problem it causes.
struct PolicyCase: Sendable, CustomTestStringConvertible {
    var source: String
    var path: String
    var message: String

    init(_ changes: [(String, String?)], _ path: String, _ message: String) {
        self.source = PolicyFixtures.policy(changes)
        self.path = path
        self.message = message
    }

    init(source: String, _ path: String, _ message: String) {
        self.source = source
        self.path = path
        self.message = message
    }

    var testDescription: String { path.isEmpty ? message : "\(path): \(message)" }
}

import Testing
