import Testing
@testable import GlidepathServer

/// A logged string cannot forge a log line or reach the terminal as an escape sequence (a reason with a
/// newline and ESC used to be logged raw).
@Suite struct LogTests {
    @Test("control characters are escaped", arguments: [
        ("plain text, \"quotes\", é, 日本, \\n as text", "plain text, \"quotes\", é, 日本, \\n as text"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("tab\there", "tab\\there"),
        ("\u{1b}[31mred\u{1b}[0m", "\\u{1b}[31mred\\u{1b}[0m"),
        ("nul\u{0}", "nul\\u{0}"),
        ("bell\u{7}", "bell\\u{7}"),
        ("del\u{7f}", "del\\u{7f}"),
        ("nel\u{85}csi\u{9b}", "nel\\u{85}csi\\u{9b}"),
        ("ls\u{2028}ps\u{2029}", "ls\\u{2028}ps\\u{2029}"),
        ("rlo\u{202e}fdp.exe", "rlo\\u{202e}fdp.exe"),
        ("isolate\u{2066}x\u{2069}", "isolate\\u{2066}x\\u{2069}"),
    ])
    func escapes(text: String, expected: String) {
        #expect(Log.escaped(text) == expected)
    }

    @Test func aReasonCannotForgeALine() {
        let reason = "done\n2026-12-02T00:00:00.000Z info decision migration=m action=promote\u{1b}[2K"
        let line = Log.line("info", "decision migration=m: \(reason)", at: 0)
        #expect(line == "1970-01-01T00:00:00.000Z info decision migration=m: done\\n2026-12-02T00:00:00.000Z info "
                + "decision migration=m action=promote\\u{1b}[2K\n")
        #expect(line.filter { $0 == "\n" }.count == 1)
        #expect(!line.unicodeScalars.contains { $0.value == 0x1b })
    }
}
