import Foundation
import Testing
@testable import GlidepathServer

/// `--log-format json`: one parseable object per line, control characters inside strings cannot break it,
/// and refused batches are logged at most once per kind and interval.
@Suite struct LogFormatTests {
    @Test func aJSONLineIsOneObjectWithTheFixedKeysFirst() throws {
        let line = Log.jsonLine(.decision, .info, "decision migration=m: bad\nline",
                                [("migration", .string("m")), ("revision", .int(4)), ("time", .string("forged")),
                                 ("candidateWeight", .raw("12.5"))], at: 0)
        #expect(line == #"{"time":"1970-01-01T00:00:00.000Z","level":"info","event":"decision","message":"decision migration=m: bad\nline","migration":"m","revision":4,"candidateWeight":12.5}"# + "\n")
        #expect(line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "1970-01-01T00:00:00.000Z")
        #expect(object["message"] as? String == "decision migration=m: bad\nline")
    }

    @Test("log formats", arguments: [
        ("json", LogFormat.json), ("text", .text),
    ])
    func parsesTheFlag(text: String, expected: LogFormat) throws {
        #expect(try ServeConfig.make(listen: nil, db: nil, policies: nil, logFormat: text, environment: [:]).logFormat == expected)
        #expect(try ServeConfig.make(listen: nil, db: nil, policies: nil,
                                     environment: ["GLIDEPATH_LOG_FORMAT": text]).logFormat == expected)
    }

    @Test func anUnknownFormatIsRefused() {
        #expect(throws: ConfigError(message: "--log-format must be text or json, got \"yaml\"")) {
            try ServeConfig.make(listen: nil, db: nil, policies: nil, logFormat: "yaml", environment: [:])
        }
    }

    @Test func rejectedBatchesAreLoggedOncePerKindAndInterval() {
        let lines = Lines()
        let log = RejectedBatchLog(every: 10_000, maxKeys: 4) { message, _ in lines.append(message) }
        log.note(migration: "m", known: true, reason: "bad_line", message: "line 1: x", now: 0)
        log.note(migration: "m", known: true, reason: "bad_line", message: "line 1: x", now: 5_000)
        log.note(migration: "m", known: true, reason: "bad_line", message: "line 1: x", now: 9_999)
        log.note(migration: "m", known: true, reason: "too_large", message: "big", now: 9_999)
        log.note(migration: "m", known: true, reason: "bad_line", message: "line 2: y", now: 10_000)
        // Names the server does not know share one key: a client cannot grow the map.
        for i in 0..<100 { log.note(migration: "x\(i)", known: false, reason: "unknown_migration", message: "no", now: 20_000) }
        #expect(lines.all == [
            "observations for migration m refused (bad_line): line 1: x",
            "observations for migration m refused (too_large): big",
            "observations for migration m refused (bad_line): line 2: y (2 more refused since the last line)",
            "observations for migration x0 refused (unknown_migration): no",
        ])
    }
}

final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.withLock { lines.append(s) } }
    var all: [String] { lock.withLock { lines } }
}
