/// A strict parser of the Prometheus text exposition format 0.0.4.
///
/// Accepts `# HELP name text`, `# TYPE name type`, other `#` comments, blank lines and sample lines
/// `name{label="value",...} value [timestamp_ms]`, separated by spaces or tabs. Rejects, with the
/// 1-based line: invalid names, escapes other than `\\`, `\"`, `\n` (and only `\\`, `\n` in HELP),
/// values that are not decimal floats, `NaN`, `+Inf` or `-Inf`, duplicate labels, duplicate series,
/// duplicate or late `# TYPE`/`# HELP`, samples of one family split by another family, histogram
/// samples other than `_bucket` (with a valid `le`), `_sum` and `_count`, and a histogram series
/// without its `le="+Inf"` bucket. Lines end in `\n` (the last may omit it); a `\r` is not a blank,
/// so CRLF input fails on its first sample. Families come back in order of first appearance.
package enum PromTextParser {
    package static func parse(_ text: String) throws(PromTextError) -> [MetricFamily] {
        try parse(text, seriesHashMask: ~0)
    }

    /// `parse` with the series hashes masked: a mask of 0 makes every series collide, so tests can show
    /// that the duplicate check never trusts a hash alone.
    package static func parse(_ text: String, seriesHashMask: UInt64) throws(PromTextError) -> [MetricFamily] {
        var text = text
        let result: Result<[MetricFamily], PromTextError> = text.withUTF8 { bytes in
            do throws(PromTextError) { return .success(try parse(bytes, seriesHashMask: seriesHashMask)) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, seriesHashMask: UInt64) throws(PromTextError) -> [MetricFamily] {
        var assembler = FamilyAssembler(seriesHashMask: seriesHashMask)
        var memory = SampleMemory()
        var start = 0
        var line = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            line += 1
            var scanner = LineScanner(bytes: bytes, position: start, end: end, line: line)
            try parseLine(&scanner, into: &assembler, memory: &memory)
            start = end + 1
        }
        try assembler.finish()
        return assembler.families
    }

    private static func parseLine(
        _ scanner: inout LineScanner, into assembler: inout FamilyAssembler, memory: inout SampleMemory
    ) throws(PromTextError) {
        scanner.skipBlanks()
        guard let first = scanner.current else { return }
        if first == UInt8(ascii: "#") {
            scanner.position += 1
            try parseComment(&scanner, into: &assembler)
        } else {
            let parsed = try parseSample(&scanner, memory: &memory)
            try assembler.add(parsed, line: scanner.line)
        }
    }

    /// `# HELP ...`, `# TYPE ...`, or any other comment (ignored).
    private static func parseComment(_ scanner: inout LineScanner, into assembler: inout FamilyAssembler) throws(PromTextError) {
        scanner.skipBlanks()
        let keyword = scanner.word()
        let isHelp = keyword.elementsEqual("HELP".utf8)
        guard isHelp || keyword.elementsEqual("TYPE".utf8) else { return }
        scanner.skipBlanks()
        let nameBytes = scanner.word()
        guard !nameBytes.isEmpty else { throw scanner.error("\(isHelp ? "HELP" : "TYPE") line without a metric name") }
        let name = LineScanner.text(nameBytes)
        guard NameRules.isValidMetricName(nameBytes) else { throw scanner.error("invalid metric name \"\(name)\"") }
        scanner.skipBlanks()
        if isHelp {
            let help = try unescapeHelp(&scanner)
            try assembler.setHelp(help, for: name, line: scanner.line)
            return
        }
        let typeBytes = scanner.word()
        guard !typeBytes.isEmpty else { throw scanner.error("TYPE line for \"\(name)\" without a type") }
        guard let type = MetricType(rawValue: LineScanner.text(typeBytes)) else {
            throw scanner.error("unknown metric type \"\(LineScanner.text(typeBytes))\"")
        }
        scanner.skipBlanks()
        guard scanner.atEnd else { throw scanner.error("trailing text \"\(LineScanner.text(scanner.rest()))\"") }
        try assembler.setType(type, for: name, line: scanner.line)
    }

    /// The rest of a HELP line with `\\` and `\n` unescaped.
    private static func unescapeHelp(_ scanner: inout LineScanner) throws(PromTextError) -> String {
        var out: [UInt8] = []
        while let byte = scanner.current {
            scanner.position += 1
            guard byte == UInt8(ascii: "\\") else { out.append(byte); continue }
            switch scanner.current {
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
            case nil: throw scanner.error("HELP text ends in a lone backslash")
            default: throw scanner.error("invalid escape \"\\\(scanner.character(at: scanner.position))\" in HELP text")
            }
            scanner.position += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
