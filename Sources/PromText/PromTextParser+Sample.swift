extension PromTextParser {
    /// `name{label="value",...} value [timestamp]`, the scanner at the name.
    static func parseSample(_ scanner: inout LineScanner, memory: inout SampleMemory) throws(PromTextError) -> ParsedSample {
        let nameBytes = scanner.token { LineScanner.isBlank($0) || $0 == UInt8(ascii: "{") }
        if nameBytes.isEmpty || !LineScanner.equal(nameBytes, memory.nameBytes) {
            guard !nameBytes.isEmpty else { throw scanner.error("missing metric name") }
            let name = LineScanner.text(nameBytes)
            guard NameRules.isValidMetricName(nameBytes) else { throw scanner.error("invalid metric name \"\(name)\"") }
            memory.nameBytes = nameBytes
            memory.name = name
            memory.nameHash = SeriesHash.mix(SeriesHash.bytes(nameBytes, into: SeriesHash.seed))
        }

        var labels: [(name: String, value: String)] = []
        var labelHashes: UInt64 = 0
        var withoutLe: UInt64 = 0
        var blanks = scanner.skipBlanks()
        if scanner.current == UInt8(ascii: "{") {
            scanner.position += 1
            labels.reserveCapacity(memory.labels.count)
            try parseLabels(&scanner, into: &labels, memory: &memory, hashes: &labelHashes, withoutLe: &withoutLe)
            blanks = scanner.skipBlanks()
        } else {
            memory.labels.removeAll(keepingCapacity: true)
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
        return ParsedSample(sample: Sample(name: memory.name, labels: labels, value: value, timestampMs: timestamp),
                            seriesHash: memory.nameHash &+ labelHashes, seriesHashWithoutLe: withoutLe)
    }

    /// The label pairs up to and including `}`, the scanner just after `{`. A trailing comma is allowed.
    /// Adds each pair's hash to `hashes` (and, unless it is `le`, to `withoutLe`); leaves the pairs in `memory`.
    private static func parseLabels(
        _ scanner: inout LineScanner, into labels: inout [(name: String, value: String)], memory: inout SampleMemory,
        hashes: inout UInt64, withoutLe: inout UInt64
    ) throws(PromTextError) {
        var index = 0
        defer { if memory.labels.count > index { memory.labels.removeSubrange(index...) } }
        while true {
            scanner.skipBlanks()
            guard let next = scanner.current else { throw scanner.error("unterminated label set") }
            if next == UInt8(ascii: "}") { scanner.position += 1; return }

            let nameBytes = scanner.token {
                LineScanner.isBlank($0) || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "}")
                    || $0 == UInt8(ascii: "\"")
            }
            guard !nameBytes.isEmpty else { throw scanner.error("missing label name") }
            let remembered = index < memory.labels.count && LineScanner.equal(nameBytes, memory.labels[index].nameBytes)
            let name: String
            if remembered {
                name = memory.labels[index].name
            } else {
                name = LineScanner.text(nameBytes)
                guard NameRules.isValidLabelName(nameBytes) else { throw scanner.error("invalid label name \"\(name)\"") }
            }
            scanner.skipBlanks()
            guard scanner.current == UInt8(ascii: "=") else { throw scanner.error("expected \"=\" after label name \"\(name)\"") }
            scanner.position += 1
            scanner.skipBlanks()
            guard scanner.current == UInt8(ascii: "\"") else { throw scanner.error("expected a quoted value for label \"\(name)\"") }
            scanner.position += 1
            let valueStart = scanner.position
            let escaped = try skipLabelValue(&scanner, label: name)
            let rawValue = scanner.slice(valueStart, scanner.position - 1)
            let value: String
            let hash: UInt64
            let isLe: Bool
            if remembered, LineScanner.equal(rawValue, memory.labels[index].rawValue) {
                value = memory.labels[index].value
                hash = memory.labels[index].hash
                isLe = memory.labels[index].isLe
            } else {
                let unescaped = escaped ? unescapeLabelValue(rawValue) : nil
                value = unescaped.map { String(decoding: $0, as: UTF8.self) } ?? LineScanner.text(rawValue)
                let nameHash = SeriesHash.byte(0xFF, into: SeriesHash.bytes(nameBytes, into: SeriesHash.seed))
                hash = SeriesHash.mix(unescaped.map { SeriesHash.bytes($0, into: nameHash) } ?? SeriesHash.bytes(rawValue, into: nameHash))
                isLe = nameBytes.count == 2 && nameBytes[0] == UInt8(ascii: "l") && nameBytes[1] == UInt8(ascii: "e")
            }
            guard !labels.contains(where: { $0.name == name }) else { throw scanner.error("duplicate label \"\(name)\"") }
            labels.append((name, value))
            hashes &+= hash
            if !isLe { withoutLe &+= hash }
            let entry = SampleMemory.Label(nameBytes: nameBytes, rawValue: rawValue, name: name, value: value, hash: hash, isLe: isLe)
            if index < memory.labels.count { memory.labels[index] = entry } else { memory.labels.append(entry) }
            index += 1

            scanner.skipBlanks()
            switch scanner.current {
            case UInt8(ascii: ","): scanner.position += 1
            case UInt8(ascii: "}"): scanner.position += 1; return
            case nil: throw scanner.error("unterminated label set")
            default: throw scanner.error("expected \",\" or \"}\" after the value of label \"\(name)\"")
            }
        }
    }

    /// Moves past a label value and its closing quote, checking its escapes (`\\`, `\"`, `\n`); true when
    /// it has any.
    private static func skipLabelValue(_ scanner: inout LineScanner, label: String) throws(PromTextError) -> Bool {
        var escaped = false
        while let byte = scanner.current {
            scanner.position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return escaped
            case UInt8(ascii: "\\"):
                switch scanner.current {
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "n"): escaped = true
                case nil: throw scanner.error("unterminated value for label \"\(label)\"")
                default:
                    throw scanner.error("invalid escape \"\\\(scanner.character(at: scanner.position))\" in the value of label \"\(label)\"")
                }
                scanner.position += 1
            default:
                break
            }
        }
        throw scanner.error("unterminated value for label \"\(label)\"")
    }

    /// A label value's text with its (already checked) escapes replaced.
    private static func unescapeLabelValue(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let byte = raw[i]
            i += 1
            guard byte == UInt8(ascii: "\\"), i < raw.count else { out.append(byte); continue }
            out.append(raw[i] == UInt8(ascii: "n") ? UInt8(ascii: "\n") : raw[i])
            i += 1
        }
        return out
    }

    /// An optional sign and decimal digits that fit an Int64.
    static func parseTimestamp(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
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
