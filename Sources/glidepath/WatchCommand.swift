import Foundation
import GlidepathCLI
import GlidepathCore
import GlidepathServer

/// `glidepath status --watch`: polls the status every interval and draws `WatchView` frames. On a terminal
/// the frame is redrawn in place (cursor home, clear); piped, each migration's block is appended, with the
/// time, whenever it changed. A controller that does not answer is shown and retried; Ctrl-C stops.
enum WatchCommand {
    static func run(_ name: String?, interval: TimeSpan, client: AdminClient) -> Int32 {
        let tty = isatty(STDOUT_FILENO) == 1
        var last: [String: [String]] = [:]
        var lastError: String?
        while true {
            let time = ISOTime.format(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
            do {
                let statuses = try ClientCommands.fetchStatuses(name, client: client)
                lastError = nil
                if tty {
                    StandardStreams.write("\u{1B}[H\u{1B}[2J" + WatchView.frame(statuses, at: time, server: client.server))
                } else {
                    for s in statuses {
                        let lines = WatchView.lines(s)
                        let key = s["migration"] as? String ?? "?"
                        // The bake countdown changes every frame; only the rest decides what is news.
                        let stable = lines.map { $0.replacingOccurrences(of: #"bake .* left of"#, with: "bake left of",
                                                                         options: .regularExpression) }
                        if last[key] != stable {
                            last[key] = stable
                            StandardStreams.write("\(time)\n" + lines.joined(separator: "\n") + "\n")
                        }
                    }
                }
            } catch {
                let message = "\(time) controller at \(client.server) did not answer: \(error)\n"
                if tty {
                    StandardStreams.write("\u{1B}[H\u{1B}[2J" + message)
                } else if lastError != "\(error)" {
                    StandardStreams.write(message)
                }
                lastError = "\(error)"
            }
            Thread.sleep(forTimeInterval: Double(interval.milliseconds) / 1000)
        }
    }
}
