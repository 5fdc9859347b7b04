import Testing
@testable import GlidepathCore

@Suite struct JSONParserTests {
    typealias Kind = JSONValue.Kind

    /// The value with every position dropped, for comparing structure.
    static func shape(_ v: JSONValue) -> String {
        switch v.kind {
        case .object(let m): "{" + m.map { "\(jsonQuoted($0.key)):\(shape($0.value))" }.joined(separator: ",") + "}"
        case .array(let e): "[" + e.map(shape).joined(separator: ",") + "]"
        case .string(let s): "s" + jsonQuoted(s)
        case .number(let t): "n" + t
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        }
    }

    @Test("valid documents parse to the expected shape", arguments: [
        ("null", "null"),
        (" true ", "true"),
        ("false", "false"),
        ("0", "n0"),
        ("-0", "n-0"),
        ("12.50", "n12.50"),
        ("1e3", "n1e3"),
        ("-1.5E-7", "n-1.5E-7"),
        ("\"\"", "s\"\""),
        ("[]", "[]"),
        ("{}", "{}"),
        ("[1, [2, []], {\"a\": null}]", "[n1,[n2,[]],{\"a\":null}]"),
        ("{\"b\": 1, \"a\": 2}", "{\"b\":n1,\"a\":n2}"),
        ("\u{FEFF}{\"a\": 1}", "{\"a\":n1}"),
        ("\r\n\t{ \"k\" : [ ] }\n", "{\"k\":[]}"),
    ])
    func parsesValid(text: String, shape expected: String) throws {
        #expect(Self.shape(try JSONParser.parse(text)) == expected)
    }

    @Test("string escapes decode", arguments: [
        (#""a\"b\\c\/d""#, "a\"b\\c/d"),
        (#""\b\f\n\r\t""#, "\u{08}\u{0C}\n\r\t"),
        (#""\u0041\u00e9\u20AC""#, "Aé€"),
        (#""\u0000""#, "\u{0}"),
        (#""\uD83D\uDE00""#, "😀"),
        (#""x\ud834\udd1ey""#, "x𝄞y"),
        ("\"naïve 😀\"", "naïve 😀"),
    ])
    func decodesEscapes(text: String, expected: String) throws {
        #expect(try JSONParser.parse(text).stringValue == expected)
    }

    @Test("malformed documents fail with line, column and an exact message", arguments: [
        ("", "line 1, column 1: unexpected end of input; expected a value"),
        ("   \n  ", "line 2, column 3: unexpected end of input; expected a value"),
        ("{\n  \"a\": 1,\n  \"b\": 2 \"c\": 3\n}", "line 3, column 10: expected ',' or '}' after an object member"),
        ("{\"a\": 1", "line 1, column 8: unexpected end of input; expected ',' or '}' after an object member"),
        ("[1 2]", "line 1, column 4: expected ',' or ']' after an array element"),
        ("[1,]", "line 1, column 4: expected a value"),
        ("{\"a\": 1,}", "line 1, column 9: expected a string key after ','"),
        ("{a: 1}", "line 1, column 2: expected a string key or '}'"),
        ("{\"a\" 1}", "line 1, column 6: expected ':' after an object key"),
        ("{\"a\":}", "line 1, column 6: expected a value"),
        ("{\"a\": 1, \"a\": 2}", "line 1, column 10: duplicate key \"a\""),
        ("{} {}", "line 1, column 4: expected end of input after the JSON value"),
        ("nul", "line 1, column 1: invalid literal \"nul\" (strings need double quotes)"),
        ("[True]", "line 1, column 2: invalid literal \"True\" (strings need double quotes)"),
        ("{\"mode\": fast}", "line 1, column 10: invalid literal \"fast\" (strings need double quotes)"),
        ("'x'", "line 1, column 1: expected a value"),
        ("-", "line 1, column 2: invalid number: expected a digit after '-'"),
        ("-x", "line 1, column 2: invalid number: expected a digit after '-'"),
        ("012", "line 1, column 2: invalid number: leading zeros are not allowed"),
        ("1.", "line 1, column 3: invalid number: expected a digit after '.'"),
        ("1.e5", "line 1, column 3: invalid number: expected a digit after '.'"),
        ("1e", "line 1, column 3: invalid number: expected a digit in the exponent"),
        ("1e+", "line 1, column 4: invalid number: expected a digit in the exponent"),
        (".5", "line 1, column 1: expected a value"),
        ("+1", "line 1, column 1: expected a value"),
        ("NaN", "line 1, column 1: invalid literal \"NaN\" (strings need double quotes)"),
        ("\"abc", "line 1, column 1: unterminated string"),
        ("\"a\nb\"", "line 1, column 3: unescaped control character U+000A in string"),
        ("\"a\tb\"", "line 1, column 3: unescaped control character U+0009 in string"),
        (#""\x""#, #"line 1, column 2: invalid escape '\x' in string"#),
        (#""\é""#, #"line 1, column 2: invalid escape '\é' in string"#),
        (#""\u12""#, #"line 1, column 2: invalid \u escape: expected 4 hex digits"#),
        (#""\u12G4""#, #"line 1, column 2: invalid \u escape: expected 4 hex digits"#),
        (#""\uD83D""#, #"line 1, column 2: unpaired surrogate \uD83D in string"#),
        (#""\uD83Dx""#, #"line 1, column 2: unpaired surrogate \uD83D in string"#),
        (#""\uD83D\u0041""#, #"line 1, column 2: unpaired surrogate \uD83D in string"#),
        (#""\uDE00""#, #"line 1, column 2: unpaired surrogate \uDE00 in string"#),
        (#""\uD83D\uZZZZ""#, #"line 1, column 8: invalid \u escape: expected 4 hex digits"#),
        ("\"é€\" x", "line 1, column 6: expected end of input after the JSON value"),
        ("[\"😀\", }", "line 1, column 7: expected a value"),
        ("{\"a\": [1,\n\n  2,, 3]}", "line 3, column 5: expected a value"),
    ])
    func rejectsMalformed(text: String, description: String) {
        do {
            let value = try JSONParser.parse(text)
            Issue.record("parsed as \(JSONParserTests.shape(value))")
        } catch {
            #expect(error.description == description)
        }
    }

    @Test("nesting deeper than the limit is rejected at the opening bracket")
    func depthLimit() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONParser.parse(ok) }
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        do {
            _ = try JSONParser.parse(deep)
            Issue.record("expected a depth error")
        } catch {
            #expect(error.description == "line 1, column 65: nesting deeper than 64 levels")
        }
        let objects = String(repeating: "{\"a\":", count: 3) + "1" + String(repeating: "}", count: 3)
        do {
            _ = try JSONParser.parse(objects, maxDepth: 2)
            Issue.record("expected a depth error")
        } catch {
            #expect(error.description == "line 1, column 11: nesting deeper than 2 levels")
        }
    }

    @Test("values, members and keys carry their line and column")
    func positions() throws {
        let text = "{\n  \"name\": \"é\",\n  \"list\": [10,\n    true]\n}"
        let root = try JSONParser.parse(text)
        #expect(root.position == JSONPosition(line: 1, column: 1))
        let members = try #require(root.members)
        #expect(members.map(\.key) == ["name", "list"])
        #expect(members[0].keyPosition == JSONPosition(line: 2, column: 3))
        #expect(members[0].value.position == JSONPosition(line: 2, column: 11))
        #expect(members[1].value.position == JSONPosition(line: 3, column: 11))
        let list = try #require(root["list"]?.elements)
        #expect(list[0].position == JSONPosition(line: 3, column: 12))
        #expect(list[1].position == JSONPosition(line: 4, column: 5))
    }

    @Test("numbers keep their source text; integer and double views are strict")
    func numberViews() throws {
        let v = try JSONParser.parse("[100, 1.50, 1e2, -7, 99999999999999999999, 1e999]").elements ?? []
        #expect(v.map(\.numberText) == ["100", "1.50", "1e2", "-7", "99999999999999999999", "1e999"])
        #expect(v.map(\.integerValue) == [100, nil, nil, -7, nil, nil])
        #expect(v[1].doubleValue == 1.5)
        #expect(v[5].doubleValue == .infinity)
        #expect(v[0].typeName == "number")
    }

    @Test("rendering keeps member order and number text, and parses back", arguments: [
        #"{"b":[1,2.50,-1e3],"a":{"x":null,"y":true,"z":false},"s":"q\"\\\n\u0001é"}"#,
        "[]", "{}", "[[],{}]", #""""#,
    ])
    func renderRoundTrips(text: String) throws {
        let value = try JSONParser.parse(text)
        #expect(value.rendered() == text)
        #expect(Self.shape(try JSONParser.parse(value.rendered(pretty: true))) == Self.shape(value))
    }

    @Test("pretty rendering indents by two spaces")
    func pretty() throws {
        let value = try JSONParser.parse(#"{"a":[1,{"b":2}],"c":{}}"#)
        #expect(value.rendered(pretty: true) == "{\n  \"a\": [\n    1,\n    {\n      \"b\": 2\n    }\n  ],\n  \"c\": {}\n}")
    }

    @Test("doubles render as JSON numbers", arguments: [(2.0, "2"), (1.5, "1.5"), (0.99, "0.99"), (-3.0, "-3"), (0.00001, "1e-05")])
    func doubles(value: Double, text: String) {
        #expect(JSONValue.number(value).rendered() == text)
    }
}
