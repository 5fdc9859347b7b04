import Foundation

/// What `glidepath status --watch` (and `glidepath demo`) writes for each status fetch. On a terminal: the
/// whole `WatchView` frame, redrawn in place (cursor home, clear), under an optional banner. Piped: a
/// block of lines for each migration whose view changed since it was last written, with the time, and a
/// controller that does not answer once per distinct error.
package struct WatchPrinter {
    package let tty: Bool
    package let server: String
    /// Drawn above every frame on a terminal (the demo's URLs); not repeated when piped.
    package var banner: String
    private var last: [String: [String]] = [:]
    private var lastError: String?

    package init(tty: Bool, server: String, banner: String = "") {
        self.tty = tty
        self.server = server
        self.banner = banner
    }

    /// The text to write for a fetch that answered (empty when piped and nothing changed).
    package mutating func render(_ statuses: [[String: Any]], at time: String) -> String {
        lastError = nil
        if tty { return Self.clear + banner + WatchView.frame(statuses, at: time, server: server) }
        var out = ""
        for s in statuses {
            let lines = WatchView.lines(s)
            let key = s["migration"] as? String ?? "?"
            // The bake countdown changes every frame; only the rest decides what is news.
            let stable = lines.map { $0.replacingOccurrences(of: #"bake .* left of"#, with: "bake left of",
                                                             options: .regularExpression) }
            if last[key] != stable {
                last[key] = stable
                out += "\(time)\n" + lines.joined(separator: "\n") + "\n"
            }
        }
        return out
    }

    /// The text to write when the controller did not answer (piped: only when the error changed).
    package mutating func render(error: String, at time: String) -> String {
        let message = "\(time) controller at \(server) did not answer: \(error)\n"
        defer { lastError = error }
        if tty { return Self.clear + banner + message }
        return lastError == error ? "" : message
    }

    /// Cursor home, clear the screen.
    static let clear = "\u{1B}[H\u{1B}[2J"
}
