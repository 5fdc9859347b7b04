/// Byte-level pieces of the text format 0.0.4: escaping and the precomputed line prefixes.
///
/// Everything here runs when a family or series is created, not per render, so rendering is just
/// copying cached bytes plus the numbers.
enum ExpositionWriter {
    /// `# HELP name text\n# TYPE name type\n`; the HELP line is left out when `help` is empty.
    static func header(name: String, help: String, type: MetricType) -> [UInt8] {
        var out: [UInt8] = []
        if !help.isEmpty {
            out.append(contentsOf: "# HELP ".utf8)
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: " "))
            appendEscapedHelp(help, into: &out)
            out.append(UInt8(ascii: "\n"))
        }
        out.append(contentsOf: "# TYPE ".utf8)
        out.append(contentsOf: name.utf8)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: type.rawValue.utf8)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// `name{a="x",b="y"} ` (or `name ` without labels): everything of a sample line before its value.
    static func samplePrefix(name: String, labelNames: [String], labelValues: [String]) -> [UInt8] {
        var out = Array(name.utf8)
        if !labelNames.isEmpty {
            out.append(UInt8(ascii: "{"))
            appendLabelPairs(labelNames, labelValues, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: " "))
        return out
    }

    /// `name{a="x",b="y",` (or `name{`): a bucket line up to its `le` pair, so `le` comes last.
    static func bucketPrefix(name: String, labelNames: [String], labelValues: [String]) -> [UInt8] {
        var out = Array(name.utf8)
        out.append(UInt8(ascii: "{"))
        if !labelNames.isEmpty {
            appendLabelPairs(labelNames, labelValues, into: &out)
            out.append(UInt8(ascii: ","))
        }
        return out
    }

    /// `le="0.005"} `: the end of a bucket line before its count.
    static func leSuffix(_ bound: Double) -> [UInt8] {
        var out = Array("le=\"".utf8)
        PromFloat.append(bound, into: &out)
        out.append(contentsOf: "\"} ".utf8)
        return out
    }

    static func appendLabelPairs(_ names: [String], _ values: [String], into out: inout [UInt8]) {
        for index in names.indices {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: names[index].utf8)
            out.append(contentsOf: "=\"".utf8)
            appendEscapedLabelValue(values[index], into: &out)
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Label values escape `\`, `"` and newline.
    static func appendEscapedLabelValue(_ value: String, into out: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: #"\n"#.utf8)
            default: out.append(byte)
            }
        }
    }

    /// HELP text escapes `\` and newline only (a `"` stays as is, per the format).
    static func appendEscapedHelp(_ text: String, into out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: #"\n"#.utf8)
            default: out.append(byte)
            }
        }
    }
}
