import Foundation

/// Log lines on stderr, one per event, prefixed with the UTC time.
///
/// A message is one line whatever it holds: every control character in it is escaped (`escaped(_:)`),
/// so text from outside (an operator's reason, a policy's name, an error from a peer) cannot start a
/// forged log line or send escape sequences to a terminal.
package enum Log {
    /// Tests silence the log; the server leaves it on.
    nonisolated(unsafe) package static var enabled = true

    package static func info(_ message: String) { write("info", message) }
    package static func error(_ message: String) { write("error", message) }

    private static func write(_ level: String, _ message: String) {
        guard enabled else { return }
        StandardStreams.writeError(line(level, message, at: SystemTimeSource.realtime()))
    }

    /// `2026-01-01T00:00:00.000Z info <message, escaped>` and a newline.
    static func line(_ level: String, _ message: String, at milliseconds: Int64) -> String {
        "\(ISOTime.format(milliseconds: milliseconds)) \(level) \(escaped(message))\n"
    }

    /// `text` with every control character escaped: `\n`, `\r`, `\t`, and `\u{1b}`-style escapes for the
    /// other C0 controls, DEL, the C1 controls (U+0080–U+009F, including NEL), the line and paragraph
    /// separators (U+2028, U+2029) and the bidirectional overrides and isolates (U+202A–U+202E,
    /// U+2066–U+2069), which can make a line read as something else. Everything else is kept.
    package static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return out
    }

    static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

/// Writes to fd 1 and 2 directly (Swift 6 rejects `fflush(stdout)`; `print` buffering would reorder lines).
package enum StandardStreams {
    package static func write(_ text: String) { writeAll(1, text) }
    package static func writeError(_ text: String) { writeAll(2, text) }

    private static func writeAll(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return  // nowhere left to report a failed write to stderr
            }
            offset += n
        }
        bytes.removeAll()
    }
}
