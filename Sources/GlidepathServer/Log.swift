import Foundation

/// Log lines on stderr, one per event, prefixed with the UTC time.
public enum Log {
    /// Tests silence the log; the server leaves it on.
    nonisolated(unsafe) public static var enabled = true

    public static func info(_ message: String) { write("info", message) }
    public static func error(_ message: String) { write("error", message) }

    private static func write(_ level: String, _ message: String) {
        guard enabled else { return }
        let line = "\(ISOTime.format(milliseconds: SystemTimeSource.realtime())) \(level) \(message)\n"
        StandardStreams.writeError(line)
    }
}

/// Writes to fd 1 and 2 directly (Swift 6 rejects `fflush(stdout)`; `print` buffering would reorder lines).
public enum StandardStreams {
    public static func write(_ text: String) { writeAll(1, text) }
    public static func writeError(_ text: String) { writeAll(2, text) }

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
