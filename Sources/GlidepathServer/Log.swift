import Foundation

/// Log lines on stderr, one per event, prefixed with the UTC time.
///
/// A message is one line whatever it holds: every control character in it is escaped (`escaped(_:)`),
/// so text from outside (an operator's reason, a policy's name, an error from a peer) cannot start a
/// forged log line or send escape sequences to a terminal.
///
/// `serve --log-format json` writes one JSON object per line instead: `time`, `level`, `event` (what
/// happened, `LogEvent`), `message` (the text line's words) and the event's own fields.
package enum Log {
    /// Tests silence the log; the server leaves it on.
    nonisolated(unsafe) package static var enabled = true
    /// Set once at start-up by `serve`, before any thread logs.
    nonisolated(unsafe) package static var format: LogFormat = .text

    package enum Level: String, Sendable { case info, warning, error }

    package static func info(_ message: String) { event(.server, .info, message) }
    package static func error(_ message: String) { event(.server, .error, message) }

    /// One event: in text, the message; in JSON, the message and `fields` (names are the caller's, never
    /// `time`, `level`, `event` or `message`).
    package static func event(_ event: LogEvent, _ level: Level = .info, _ message: String,
                              _ fields: [(String, JSON)] = []) {
        guard enabled else { return }
        let now = SystemTimeSource.realtime()
        switch format {
        case .text: StandardStreams.writeError(line(level.rawValue, message, at: now))
        case .json: StandardStreams.writeError(jsonLine(event, level, message, fields, at: now))
        }
    }

    /// `2026-01-01T00:00:00.000Z info <message, escaped>` and a newline.
    static func line(_ level: String, _ message: String, at milliseconds: Int64) -> String {
        "\(ISOTime.format(milliseconds: milliseconds)) \(level) \(escaped(message))\n"
    }

    /// `{"time":…,"level":…,"event":…,"message":…,<fields>}` and a newline; JSON quoting escapes every
    /// control character, so no text from outside can break the line.
    static func jsonLine(_ event: LogEvent, _ level: Level, _ message: String, _ fields: [(String, JSON)],
                         at milliseconds: Int64) -> String {
        let head: [(String, JSON)] = [("time", .string(ISOTime.format(milliseconds: milliseconds))),
                                      ("level", .string(level.rawValue)), ("event", .string(event.rawValue)),
                                      ("message", .string(message))]
        let reserved: Set<String> = ["time", "level", "event", "message"]
        return JSON.object(head + fields.filter { !reserved.contains($0.0) }).rendered + "\n"
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

/// How `serve` writes its log (`--log-format`).
package enum LogFormat: String, Sendable, CaseIterable {
    /// `2026-01-01T00:00:00.000Z info …`, for people.
    case text
    /// One JSON object per line, for log pipelines (Loki, Elasticsearch, `jq`).
    case json
}

/// What a log line is about: the `event` field of the JSON format.
package enum LogEvent: String, Sendable, CaseIterable {
    /// Start, stop, listening, configuration.
    case server
    /// The judge advanced, held at a gate, promoted or rolled back a migration.
    case decision
    /// A policy was applied (created or a new version), from the API or the policies folder.
    case policyApplied = "policy_applied"
    /// An operator's pause, resume, advance, promote, rollback or restart.
    case operatorAction = "operator_action"
    /// An observation batch was refused (bad format, too large, unknown migration); rate-limited.
    case rejectedBatch = "rejected_batch"
    /// The store failed a write or a read; decisions toward the baseline are kept pending.
    case storeFailure = "store_failure"
    /// The store answers again.
    case storeRecovered = "store_recovered"
    /// A webhook gate answered differently from its previous answer (open, or holding and why).
    case gate
    /// A notification could not be delivered (it is retried) or was dropped.
    case notificationFailure = "notification_failure"
    /// The control loop could not judge (metrics source failed, series missing, write refused).
    case controlLoop = "control_loop"
    /// A migration's stored state could not be loaded; it is quarantined.
    case quarantine
    /// A migration was deleted (archived) or kept by `serve --prune`; history retention deleted decisions.
    case lifecycle
    /// A standby's following of its primary: unreachable since…, following again, a document refused; promotion.
    case standby
    /// A migration's external metrics source (scrape, prometheus) failed: its step holds.
    case metricsSourceFailure = "metrics_source_failure"
    /// A migration's external metrics source answers again.
    case metricsSourceRecovered = "metrics_source_recovered"
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
