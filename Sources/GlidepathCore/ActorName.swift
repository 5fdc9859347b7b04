/// Who an operator says they are (`alice@laptop`), as the CLI's `--actor`, the API's `actor` field or the
/// `Glidepath-Actor` header carry it. It is recorded in the audit log and shown on the status page, so it
/// is bounded and single-line: 1 to 128 bytes of UTF-8, no control, line-separator or bidirectional-override
/// characters. It identifies, it does not authenticate: the admin token does that.
package enum ActorName {
    package static let maxBytes = 128

    /// The name, trimmed of surrounding spaces; nil for an empty one; a sentence saying what is wrong
    /// otherwise.
    package static func validate(_ text: String) -> Result<String?, ActorNameProblem> {
        let trimmed = text.trimmingSpaces()
        if trimmed.isEmpty { return .success(nil) }
        let bytes = trimmed.utf8.count
        guard bytes <= maxBytes else {
            return .failure(ActorNameProblem(message: "actor is \(bytes) bytes long; at most \(maxBytes) are allowed"))
        }
        if let bad = trimmed.unicodeScalars.first(where: isForbidden) {
            let code = String(bad.value, radix: 16, uppercase: true)
            return .failure(ActorNameProblem(
                message: "actor contains the control or formatting character U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code); "
                    + "use a plain name such as alice@laptop"))
        }
        return .success(trimmed)
    }

    static func isForbidden(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

/// Why an actor name was refused.
package struct ActorNameProblem: Error, Hashable, Sendable {
    package var message: String
}

extension String {
    /// Without leading and trailing spaces and tabs (Foundation-free).
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
