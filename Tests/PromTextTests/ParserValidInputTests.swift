import Testing
import PromText

/// One valid exposition text and the families it must parse to.
struct ValidInput: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var families: [MetricFamily]
    var testDescription: String { name }
}

private func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Double, at timestamp: Int64? = nil) -> Sample {
    Sample(name: name, labels: labels.map { (name: $0.0, value: $0.1) }, value: value, timestampMs: timestamp)
}

let validInputs: [ValidInput] = [
    ValidInput(name: "counter with HELP and TYPE", text: """
        # HELP http_total Requests served.
        # TYPE http_total counter
        http_total{code="200"} 7
        http_total{code="500"} 1

        """, families: [
            MetricFamily(name: "http_total", type: .counter, help: "Requests served.",
                         samples: [sample("http_total", [("code", "200")], 7), sample("http_total", [("code", "500")], 1)]),
        ]),
    ValidInput(name: "label value escapes", text: #"x{a="back\\slash",b="q\"uote",c="new\nline",d="ünï"} 1"#,
               families: [MetricFamily(name: "x", type: .untyped, help: nil, samples: [
                   sample("x", [("a", "back\\slash"), ("b", "q\"uote"), ("c", "new\nline"), ("d", "ünï")], 1)])]),
    ValidInput(name: "blanks, tabs, trailing comma, empty braces and timestamps",
               text: "x { a = \"1\" ,\tb=\"2\", }\t 3  -17\n  y{} +Inf 1700000000000\t\nz -2.5e-3",
               families: [
                   MetricFamily(name: "x", type: .untyped, help: nil, samples: [sample("x", [("a", "1"), ("b", "2")], 3, at: -17)]),
                   MetricFamily(name: "y", type: .untyped, help: nil, samples: [sample("y", [], .infinity, at: 1_700_000_000_000)]),
                   MetricFamily(name: "z", type: .untyped, help: nil, samples: [sample("z", [], -0.0025)]),
               ]),
    ValidInput(name: "comments and blank lines are ignored, HELP escapes unescape", text: """
        # just a comment
        # TYPEs are optional, HELPful comments too

        # HELP g Line one\\nback\\\\slash "quoted"
        # TYPE g gauge
        g NaN
        """, families: [
            MetricFamily(name: "g", type: .gauge, help: "Line one\nback\\slash \"quoted\"", samples: [sample("g", [], .nan)]),
        ]),
    ValidInput(name: "histogram samples belong to their family", text: """
        # TYPE d histogram
        d_bucket{arm="a",le="0.5"} 1
        d_bucket{arm="a",le="+Inf"} 3
        d_sum{arm="a"} 4.25
        d_count{arm="a"} 3
        d_bucket{le="1e-05"} 0
        d_bucket{le="+Inf"} 0
        d_sum 0
        d_count 0
        """, families: [
            MetricFamily(name: "d", type: .histogram, help: nil, samples: [
                sample("d_bucket", [("arm", "a"), ("le", "0.5")], 1), sample("d_bucket", [("arm", "a"), ("le", "+Inf")], 3),
                sample("d_sum", [("arm", "a")], 4.25), sample("d_count", [("arm", "a")], 3),
                sample("d_bucket", [("le", "1e-05")], 0), sample("d_bucket", [("le", "+Inf")], 0),
                sample("d_sum", [], 0), sample("d_count", [], 0),
            ]),
        ]),
    ValidInput(name: "summary samples belong to their family", text: """
        # TYPE rpc summary
        rpc{quantile="0.5"} 0.02
        rpc{quantile="0.99"} 0.4
        rpc_sum 12
        rpc_count 300
        """, families: [
            MetricFamily(name: "rpc", type: .summary, help: nil, samples: [
                sample("rpc", [("quantile", "0.5")], 0.02), sample("rpc", [("quantile", "0.99")], 0.4),
                sample("rpc_sum", [], 12), sample("rpc_count", [], 300),
            ]),
        ]),
    ValidInput(name: "HELP without TYPE is untyped; samples without TYPE form their own family", text: """
        # HELP a Just help.
        a 1
        a_count 2
        b:c_d 3
        """, families: [
            MetricFamily(name: "a", type: .untyped, help: "Just help.", samples: [sample("a", [], 1)]),
            MetricFamily(name: "a_count", type: .untyped, help: nil, samples: [sample("a_count", [], 2)]),
            MetricFamily(name: "b:c_d", type: .untyped, help: nil, samples: [sample("b:c_d", [], 3)]),
        ]),
    ValidInput(name: "a declared family without samples is kept, empty HELP is empty text", text: """
        # HELP empty
        # TYPE empty counter
        # TYPE other gauge
        other 1
        """, families: [
            MetricFamily(name: "empty", type: .counter, help: "", samples: []),
            MetricFamily(name: "other", type: .gauge, help: nil, samples: [sample("other", [], 1)]),
        ]),
    ValidInput(name: "HELP may follow the samples of the current family", text: "# TYPE c counter\nc 1\n# HELP c Late help.\n",
               families: [MetricFamily(name: "c", type: .counter, help: "Late help.", samples: [sample("c", [], 1)])]),
    ValidInput(name: "empty text", text: "", families: []),
    ValidInput(name: "decimal value spellings", text: "v{k=\"1\"} .5\nv{k=\"2\"} 5.\nv{k=\"3\"} +7\nv{k=\"4\"} 1E3\nv{k=\"5\"} -Inf",
               families: [MetricFamily(name: "v", type: .untyped, help: nil, samples: [
                   sample("v", [("k", "1")], 0.5), sample("v", [("k", "2")], 5), sample("v", [("k", "3")], 7),
                   sample("v", [("k", "4")], 1000), sample("v", [("k", "5")], -.infinity),
               ])]),
]

@Test("valid inputs parse to the expected families", arguments: validInputs)
func parsesValidInput(_ input: ValidInput) throws {
    let families = try PromTextParser.parse(input.text)
    #expect(families == input.families)
    // Sample's == ignores nothing, but MetricFamily's synthesized == compares help and type too.
    #expect(families.map(\.help) == input.families.map(\.help))
}
