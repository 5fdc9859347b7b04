import Foundation
import GlidepathCore

/// A policy file read from disk: its path, its text and what the parser made of it.
package struct PolicyFile: Sendable {
    package var path: String
    package var source: String
    package var result: Result<Policy, PolicyError>

    /// Reads and validates one file; an unreadable file is one problem.
    package static func read(_ path: String) -> PolicyFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return PolicyFile(path: path, source: "",
                              result: .failure(PolicyError(problems: [PolicyProblem(path: "", message: "cannot read the file as UTF-8 text")])))
        }
        return PolicyFile(path: path, source: text, result: PolicyParser.parse(text, zones: SystemTimeZones()))
    }

    /// Every listed problem as `file:line: path: message` (line and path left out when unknown), then
    /// `file: … and N more problems` when the parser listed only the first `PolicyError.maxListed`.
    package var problemLines: [String] {
        guard case .failure(let e) = result else { return [] }
        return e.problems.map { PolicyFile.format(file: path, problem: $0) }
            + (e.moreSentence.map { ["\(path): \($0)"] } ?? [])
    }

    package static func format(file: String, problem p: PolicyProblem) -> String {
        var s = file
        if let line = p.line { s += ":\(line)" }
        s += ": "
        if !p.path.isEmpty { s += "\(p.path): " }
        return s + p.message
    }

    /// The `*.json` files of a directory, sorted by name; a missing directory has none.
    package static func list(directory: String) throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) else { return [] }
        guard isDir.boolValue else { throw ConfigError(message: "\(directory) is not a directory") }
        return try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".json") }.sorted().map { (directory as NSString).appendingPathComponent($0) }
    }
}
