import Testing
@testable import PromText

struct PromFloatTests {
    @Test("values format as the exposition writes them", arguments: [
        (42.0, "42"), (-3.0, "-3"), (0.0, "0"), (-0.0, "0"), (0.5, "0.5"), (0.1 + 0.2, "0.30000000000000004"),
        (1e-05, "1e-05"), (9_007_199_254_740_991.0, "9007199254740991"), (9_007_199_254_740_992.0, "9007199254740992.0"),
        (1e16, "1e+16"), (-1.5e300, "-1.5e+300"), (Double.nan, "NaN"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"),
        (1234567.0, "1234567"), (0.001, "0.001"),
    ])
    func format(value: Double, text: String) {
        #expect(PromFloat.format(value) == text)
        let parsed = PromFloat.parse(text)
        #expect(parsed == value || (value.isNaN && parsed?.isNaN == true))
    }

    @Test("decimal floats and the three specials parse", arguments: [
        ("1", 1.0), ("-1", -1.0), ("+1", 1.0), (".5", 0.5), ("5.", 5.0), ("1e3", 1000.0), ("1E-3", 0.001),
        ("-2.5e+2", -250.0), ("007", 7.0), ("+Inf", Double.infinity), ("-Inf", -Double.infinity), ("1e-400", 0.0),
    ])
    func parseValid(text: String, value: Double) {
        #expect(PromFloat.parse(text) == value)
    }

    @Test("NaN parses") func parseNaN() {
        #expect(PromFloat.parse("NaN")?.isNaN == true)
    }

    @Test("everything Double(String) accepts beyond the format is rejected", arguments: [
        "", "+", "-", ".", "e3", "1e", "1e+", "0x1p3", "0x10", "inf", "Inf", "+inf", "infinity", "nan", "NAN", "+NaN",
        " 1", "1 ", "1_000", "1,5", "1.2.3", "--1", "1e400", "-1e400", "١",
    ])
    func parseInvalid(text: String) {
        #expect(PromFloat.parse(text) == nil)
    }

    @Test("integers append without a sign or padding", arguments: [
        (UInt64(0), "0"), (UInt64(9), "9"), (UInt64(10), "10"), (UInt64(1_000_000), "1000000"), (UInt64.max, "18446744073709551615"),
    ])
    func integers(value: UInt64, text: String) {
        var out: [UInt8] = []
        PromFloat.append(value, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == text)
    }
}
