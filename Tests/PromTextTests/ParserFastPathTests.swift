import Testing
@testable import PromText

/// The parser's fast paths: each table row would fail if a shortcut gave a different answer from the
/// general path (the short-decimal float path, reused name and label Strings, hashed series identity).
struct ParserFastPathTests {
    @Test("short decimals parse to the same Double as the full decimal parse, sign of zero included", arguments: [
        "0", "-0", "+0", "-0.0", "7", "+7.25", "-3.5", "0.1", "0.2", "0.3", "2.675", "0.000001", "0.001", "68",
        "123456789012345", "12345678901234.5", "0.00000000000001", "99999999999999.9", "9007199254740991",
        "1234567890123456", "0.1234567890123456", "3.14159265358979323846", "4.35", "1.005", "8.2", "0.0082",
    ])
    func shortDecimals(text: String) throws {
        let expected = try #require(Double(text))
        let parsed = try #require(PromFloat.parse(text))
        #expect(parsed.bitPattern == expected.bitPattern)
    }

    @Test("the exact path takes only [+-]digits[.digits] with at most 15 digits", arguments: [
        ("15", true), ("-1.5", true), ("123456789012345", true), ("12345678.9012345", true),
        ("1234567890123456", false), (".5", false), ("5.", false), ("1e3", false), ("+Inf", false), ("NaN", false),
        ("-", false), ("", false), ("1.2.3", false), ("1 ", false),
    ])
    func exactPathShape(text: String, taken: Bool) {
        let result = Array(text.utf8).withUnsafeBufferPointer { PromFloat.parseExact($0) }
        #expect((result != nil) == taken)
    }

    @Test("repeated names, label names and values (escaped or not) come back exactly per line", arguments: [
        (#"x{a="p\"q"} 1"# + "\n" + #"x{a="p\\q"} 2"# + "\n" + #"x{a="p\"q",b="1"} 3"#,
         [["a": "p\"q"], ["a": "p\\q"], ["a": "p\"q", "b": "1"]]),
        (#"x{a="1\n"} 1"# + "\n" + #"x{a="1n"} 2"# + "\n" + #"x{b="1\n"} 3"#,
         [["a": "1\n"], ["a": "1n"], ["b": "1\n"]]),
        (#"x{a="v",b="w"} 1"# + "\n" + #"x{b="v",a="w"} 2"# + "\n" + #"x{a="v"} 3"# + "\n" + "x 4",
         [["a": "v", "b": "w"], ["b": "v", "a": "w"], ["a": "v"], [:]]),
        (#"x{a="same"} 1"# + "\n" + #"xy{a="same"} 2"# + "\n" + #"x_{a="same",a2="same"} 3"#,
         [["a": "same"], ["a": "same"], ["a": "same", "a2": "same"]]),
    ])
    func reusedStrings(text: String, labels: [[String: String]]) throws {
        let families = try PromTextParser.parse(text)
        let samples = families.flatMap(\.samples)
        #expect(samples.map { Dictionary(uniqueKeysWithValues: $0.labels.map { ($0.name, $0.value) }) } == labels)
        #expect(samples.map(\.value) == Array(1...labels.count).map(Double.init))
    }

    static let seriesInputs: [(text: String, error: String?)] = [
        ("x{a=\"1\",b=\"2\"} 1\nx{b=\"2\",a=\"1\"} 2", #"line 2: duplicate series x{b="2",a="1"}"#),
        ("x{a=\"1\",b=\"2\"} 1\nx{a=\"2\",b=\"1\"} 2\nx{a=\"1\"} 3\nx 4\nx{b=\"2\"} 5", nil),
        ("x{a=\"1\"} 1\nx{a=\"2\"} 2\nx{a=\"3\"} 3\nx{a=\"2\"} 4", #"line 4: duplicate series x{a="2"}"#),
        ("x 1\nx 2", "line 2: duplicate series x{}"),
        ("x{a=\"p\\\"\"} 1\nx{a=\"p\\\\\"} 2\nx{a=\"p\\\"\"} 3", #"line 3: duplicate series x{a="p\""}"#),
        ("# TYPE h histogram\nh_bucket{a=\"1\",le=\"1\"} 1\nh_bucket{a=\"2\",le=\"+Inf\"} 1\nh_bucket{a=\"1\",le=\"+Inf\"} 1\nh_sum{a=\"1\"} 1\nh_sum{a=\"2\"} 1", nil),
        ("# TYPE h histogram\nh_bucket{a=\"1\",le=\"+Inf\"} 1\nh_bucket{a=\"2\",le=\"1\"} 1\nh_count{a=\"1\"} 1",
         #"line 3: histogram "h" series {a="2"} has no le="+Inf" bucket"#),
        ("# TYPE h histogram\nh_bucket{le=\"+Inf\",a=\"1\"} 1\nh_bucket{a=\"1\",le=\"+Inf\"} 2", #"line 3: duplicate series h_bucket{a="1",le="+Inf"}"#),
        ("# TYPE h histogram\nh_sum{a=\"1\"} 1\nh_count{a=\"1\"} 1\nh_sum{a=\"1\"} 2", #"line 4: duplicate series h_sum{a="1"}"#),
    ]

    @Test("series identity is exact with real hashes and when every hash collides", arguments: seriesInputs, [~UInt64(0), 0])
    func seriesIdentity(input: (text: String, error: String?), mask: UInt64) {
        do {
            let families = try PromTextParser.parse(input.text, seriesHashMask: mask)
            #expect(input.error == nil, "accepted: \(families)")
        } catch {
            #expect("line \(error.line): \(error.message)" == input.error)
        }
    }
}
