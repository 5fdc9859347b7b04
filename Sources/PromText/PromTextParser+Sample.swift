extension PromTextParser {
    /// `name{label="value",...} value [timestamp]`, the scanner at the name. `previousName` is reused
    /// when the name repeats (the usual case), saving a validation and an allocation per line.
    static func parseSample(_ scanner: inout LineScanner, previousName: String) throws(PromTextError) -> Sample {
        let nameBytes = scanner.token { LineScanner.isBlank($0) || $0 == UInt8(ascii: "{") }
        let name: String
        if nameBytes.elementsEqual(previousName.utf8) && !nameBytes.isEmpty {
            name = previousName
        } else {
            guard !nameBytes.isEmpty else { throw scanner.error("missing metric name") }
            name = LineScanner.text(nameBytes)
            guard NameRules.isValidMetricName(nameBytes) else { throw scanner.error("invalid metric name \"\(name)\"") }
        }

        var labels: [(name: String, value: String)] = []
        var blanks = scanner.skipBlanks()
        if scanner.current == UInt8(ascii: "{") {
            scanner.position += 1
            labels = try parseLabels(&scanner)
            blanks = scanner.skipBlanks()
        }
        guard !scanner.atEnd else { throw scanner.error("missing value") }
        guard blanks > 0 else { throw scanner.error("expected a blank before the value") }

        let valueBytes = scanner.word()
        guard let value = PromFloat.parse(valueBytes) else {
            throw scanner.error("invalid value \"\(LineScanner.text(valueBytes))\"")
        }
        scanner.skipBlanks()
        var timestamp: Int64?
        if !scanner.atEnd {
            let timestampBytes = scanner.word()
            timestamp = parseTimestamp(timestampBytes)
            guard timestamp != nil else { throw scanner.error("invalid timestamp \"\(LineScanner.text(timestampBytes))\"") }
            scanner.skipBlanks()
            guard scanner.atEnd else { throw scanner.error("trailing text \"\(LineScanner.text(scanner.rest()))\"") }
        }
        return Sample(name: name, labels: labels, value: value, timestampMs: timestamp)
    }

    /// The label pairs up to and including `}`, the scanner just after `{`. A trailing comma is allowed.
    private static func parseLabels(_ scanner: inout LineScanner) throws(PromTextError) -> [(name: String, value: String)] {
        var labels: [(name: String, value: String)] = []
        while true {
            scanner.skipBlanks()
            guard let next = scanner.current else { throw scanner.error("unterminated label set") }
            if next == UInt8(ascii: "}") { scanner.position += 1; return labels }

            let nameBytes = scanner.token {
                LineScanner.isBlank($0) || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "}")
                    || $0 == UInt8(ascii: "\"")
            }
            guard !nameBytes.isEmpty else { throw scanner.error("missing label name") }
            let name = LineScanner.text(nameBytes)
            guard NameRules.isValidLabelName(nameBytes) else { throw scanner.error("invalid label name \"\(name)\"") }
            scanner.skipBlanks()
            guard scanner.current == UInt8(ascii: "=") else { throw scanner.error("expected \"=\" after label name \"\(name)\"") }
            scanner.position += 1
            scanner.skipBlanks()
            guard scanner.current == UInt8(ascii: "\"") else { throw scanner.error("expected a quoted value for label \"\(name)\"") }
            scanner.position += 1
            let value = try parseLabelValue(&scanner, label: name)
            guard !labels.contains(where: { $0.name == name }) else { throw scanner.error("duplicate label \"\(name)\"") }
            labels.append((name, value))

            scanner.skipBlanks()
            switch scanner.current {
            case UInt8(ascii: ","): scanner.position += 1
            case UInt8(ascii: "}"): scanner.position += 1; return labels
            case nil: throw scanner.error("unterminated label set")
            default: throw scanner.error("expected \",\" or \"}\" after the value of label \"\(name)\"")
            }
        }
    }

    /// A label value up to and including its closing quote, unescaping `\\`, `\"` and `\n`.
    private static func parseLabelValue(_ scanner: inout LineScanner, label: String) throws(PromTextError) -> String {
        var out: [UInt8] = []
        while let byte = scanner.current {
            scanner.position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                switch scanner.current {
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
                case nil: throw scanner.error("unterminated value for label \"\(label)\"")
                default:
                    throw scanner.error("invalid escape \"\\\(scanner.character(at: scanner.position))\" in the value of label \"\(label)\"")
                }
                scanner.position += 1
            default:
                out.append(byte)
            }
        }
        throw scanner.error("unterminated value for label \"\(label)\"")
    }

    /// An optional sign and decimal digits that fit an Int64.
    static func parseTimestamp(_ bytes: ArraySlice<UInt8>) -> Int64? {
        var digits = bytes[...]
        var negative = false
        if let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy(NameRules.isDigit) else { return nil }
        var magnitude: UInt64 = 0
        for digit in digits {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
        }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }
}
