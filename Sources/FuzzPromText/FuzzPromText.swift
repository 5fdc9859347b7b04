import PromText

/// libFuzzer entry point for `PromTextParser` (Prometheus text format 0.0.4).
///
/// The input (as UTF-8, invalid bytes replaced) is parsed. Whatever it accepts must hold up: valid
/// metric and label names, no duplicate label in a sample, every histogram bucket with a parseable
/// `le`, and the round trip: the families rendered back as exposition text (HELP, TYPE, the samples
/// in order) parse again to the same families (names, types, help texts and samples). A refusal
/// names a line of the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPromTextParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let families: [MetricFamily]
    do {
        families = try PromTextParser.parse(text)
    } catch {
        let lines = text.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        if error.line < 1 || error.line > lines { fail("error on line \(error.line) of \(lines): \(error)") }
        return 0
    }
    for family in families {
        if !validName(family.name, colon: true) { fail("invalid family name \(family.name)") }
        for sample in family.samples {
            if !validName(sample.name, colon: true) { fail("invalid sample name \(sample.name)") }
            if !sample.name.hasPrefix(family.name) { fail("sample \(sample.name) in family \(family.name)") }
            for label in sample.labels where !validName(label.name, colon: false) { fail("invalid label \(label.name)") }
            if Set(sample.labels.map(\.name)).count != sample.labels.count { fail("duplicate label in \(sample)") }
            if family.type == .histogram, sample.name.hasSuffix("_bucket") {
                guard let le = sample.label("le"), let bound = PromFloat.parse(le), !bound.isNaN else {
                    fail("histogram bucket without a valid le: \(sample)")
                }
            }
        }
    }
    let rendered = render(families)
    let reparsed: [MetricFamily]
    do {
        reparsed = try PromTextParser.parse(rendered)
    } catch {
        fail("rendered families do not parse: \(error)\n--- rendered:\n\(rendered)")
    }
    if reparsed != families {
        fail("round trip changed the families\n--- rendered:\n\(rendered)")
    }
    return 0
}

/// Exposition text of `families`: `# HELP` when there is help, `# TYPE` always, then the samples.
func render(_ families: [MetricFamily]) -> String {
    var out = ""
    for family in families {
        if let help = family.help {
            out += "# HELP \(family.name) " + escape(help, quote: false) + "\n"
        }
        out += "# TYPE \(family.name) \(family.type.rawValue)\n"
        for sample in family.samples {
            out += sample.name
            if !sample.labels.isEmpty {
                out += "{" + sample.labels.map { "\($0.name)=\"\(escape($0.value, quote: true))\"" }
                    .joined(separator: ",") + "}"
            }
            out += " " + PromFloat.format(sample.value)
            if let timestamp = sample.timestampMs { out += " \(timestamp)" }
            out += "\n"
        }
    }
    return out
}

func escape(_ text: String, quote: Bool) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\"" where quote: out += "\\\""
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// `[a-zA-Z_:][a-zA-Z0-9_:]*` for metric names (`colon`), `[a-zA-Z_][a-zA-Z0-9_]*` for label names.
func validName(_ name: String, colon: Bool) -> Bool {
    let bytes = Array(name.utf8)
    guard let first = bytes.first else { return false }
    func letter(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b == 95 || (colon && b == 58)
    }
    return letter(first) && bytes.allSatisfy { letter($0) || ($0 >= 48 && $0 <= 57) }
}

func fail(_ message: String) -> Never {
    fatalError("FuzzPromText invariant: \(message)")
}
