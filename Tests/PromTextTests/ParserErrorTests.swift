import Testing
import PromText

/// A malformed input, numbered so a failure names its row.
struct MalformedInput: Sendable, CustomTestStringConvertible {
    var number: Int
    var text: String
    var error: PromTextError
    var testDescription: String { "#\(number): \(error)" }
}

private func bad(_ number: Int, _ text: String, line: Int, _ message: String) -> MalformedInput {
    MalformedInput(number: number, text: text, error: PromTextError(line: line, message: message))
}

let malformedInputs: [MalformedInput] = [
    bad(1, "# TYPE x counter\n# TYPE x gauge", line: 2, #"duplicate TYPE line for "x""#),
    bad(2, "x 1\n# TYPE x counter", line: 2, #"TYPE line for "x" after its samples"#),
    bad(3, "# TYPE x timer", line: 1, #"unknown metric type "timer""#),
    bad(4, "ok 1\n1x 1", line: 2, #"invalid metric name "1x""#),
    bad(5, "x-y 1", line: 1, #"invalid metric name "x-y""#),
    bad(6, #"x{1a="b"} 1"#, line: 1, #"invalid label name "1a""#),
    bad(7, #"x{a="b",a="c"} 1"#, line: 1, #"duplicate label "a""#),
    bad(8, #"x{a="b} 1"#, line: 1, #"unterminated value for label "a""#),
    bad(9, #"x{a="\t"} 1"#, line: 1, #"invalid escape "\t" in the value of label "a""#),
    bad(10, "x", line: 1, "missing value"),
    bad(11, #"x{a="b"}  "#, line: 1, "missing value"),
    bad(12, "x abc", line: 1, #"invalid value "abc""#),
    bad(13, "x 0x1p3", line: 1, #"invalid value "0x1p3""#),
    bad(14, "x infinity", line: 1, #"invalid value "infinity""#),
    bad(15, "x 1 2 3", line: 1, #"trailing text "3""#),
    bad(16, "x 1 1.5", line: 1, #"invalid timestamp "1.5""#),
    bad(17, "# TYPE h histogram\nh 1", line: 2, #"histogram "h" sample "h" must end in _bucket, _sum or _count"#),
    bad(18, "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_total 1", line: 3,
        #"histogram "h" sample "h_total" must end in _bucket, _sum or _count"#),
    bad(19, "# TYPE h histogram\nh_bucket 1", line: 2, #""h_bucket" sample without an "le" label"#),
    bad(20, "# TYPE h histogram\nh_bucket{le=\"big\"} 1", line: 2, #"invalid "le" value "big""#),
    bad(21, "a 1\nb 1\na{k=\"v\"} 2", line: 3, #"samples of "a" are not contiguous"#),
    bad(22, "x{a=\"1\",b=\"2\"} 1\nx{b=\"2\",a=\"1\"} 2", line: 2, #"duplicate series x{b="2",a="1"}"#),
    bad(23, "# TYPE h histogram\nh_bucket{arm=\"a\",le=\"1\"} 1\nh_sum{arm=\"a\"} 1\nh_count{arm=\"a\"} 1\nnext 1", line: 2,
        #"histogram "h" series {arm="a"} has no le="+Inf" bucket"#),
    bad(24, "# HELP x one\n# HELP x two", line: 2, #"duplicate HELP line for "x""#),
    bad(25, #"# HELP x tab\there"#, line: 1, #"invalid escape "\t" in HELP text"#),
    bad(26, #"x{a="b" 1"#, line: 1, #"expected "," or "}" after the value of label "a""#),
    bad(27, #"x{a="b","#, line: 1, "unterminated label set"),
    bad(28, #"x{a "b"} 1"#, line: 1, #"expected "=" after label name "a""#),
    bad(29, "x{a=b} 1", line: 1, #"expected a quoted value for label "a""#),
    bad(30, "x{}1", line: 1, "expected a blank before the value"),
    bad(31, "# TYPE x", line: 1, #"TYPE line for "x" without a type"#),
    bad(32, "# TYPE x counter extra", line: 1, #"trailing text "extra""#),
    bad(33, "x 1e400", line: 1, #"invalid value "1e400""#),
    bad(34, "# TYPE s summary\ns 1", line: 2, #"summary sample "s" without a "quantile" label"#),
    bad(35, "# HELP", line: 1, "HELP line without a metric name"),
    bad(36, #"{a="b"} 1"#, line: 1, "missing metric name"),
    bad(37, "x 1 99999999999999999999", line: 1, #"invalid timestamp "99999999999999999999""#),
    bad(38, #"x{,} 1"#, line: 1, "missing label name"),
    bad(39, "# TYPE x counter\nx 1\n# TYPE y gauge\n# HELP x late", line: 4, #"samples of "x" are not contiguous"#),
    bad(40, "x Inf", line: 1, #"invalid value "Inf""#),
    bad(41, "# TYPE h histogram\nh_count 1\nh_sum 0", line: 2, #"histogram "h" series {} has no le="+Inf" bucket"#),
    bad(42, #"x{a="ends in \"#, line: 1, #"unterminated value for label "a""#),
    bad(43, "# TYPE s summary\ns_bucket 1", line: 2, #"summary "s" sample "s_bucket" must be s, s_sum or s_count"#),
    bad(44, "# HELP x-y z", line: 1, #"invalid metric name "x-y""#),
]

@Test("malformed inputs fail with their line and exact message", arguments: malformedInputs)
func rejectsMalformedInput(_ input: MalformedInput) {
    #expect(throws: input.error) { try PromTextParser.parse(input.text) }
}

@Test("the malformed table is numbered without gaps")
func malformedTableIsNumbered() {
    #expect(malformedInputs.map(\.number) == Array(1...malformedInputs.count))
}
