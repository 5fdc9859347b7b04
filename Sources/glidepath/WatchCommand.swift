import Foundation
import GlidepathCLI
import GlidepathCore
import GlidepathServer

/// `glidepath status --watch`: polls the status every interval and writes what `WatchPrinter` makes of it
/// (redrawn in place on a terminal, appended per changed migration when piped). A controller that does not
/// answer is shown and retried; Ctrl-C stops.
enum WatchCommand {
    static func run(_ name: String?, interval: TimeSpan, client: AdminClient) -> Int32 {
        var printer = WatchPrinter(tty: isatty(STDOUT_FILENO) == 1, server: client.server)
        while true {
            let time = ISOTime.format(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
            do {
                StandardStreams.write(printer.render(try client.statuses(name), at: time))
            } catch {
                StandardStreams.write(printer.render(error: "\(error)", at: time))
            }
            Thread.sleep(forTimeInterval: Double(interval.milliseconds) / 1000)
        }
    }
}
