extension JSONParser {
    /// Parses a string starting at its opening quote: every escape of RFC 8259, including
    /// `\uXXXX` surrogate pairs; raw control characters and unpaired surrogates are errors.
    mutating func parseString() throws(JSONParseError) -> String {
        let start = position
        advance()
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flushRun(_ upTo: Int, into scalars: inout String.UnicodeScalarView) {
            if upTo > runStart {
                scalars.append(contentsOf: String(decoding: bytes[runStart..<upTo], as: UTF8.self).unicodeScalars)
            }
        }
        while true {
            guard let byte = current else { throw failure("unterminated string", at: start) }
            switch byte {
            case UInt8(ascii: "\""):
                flushRun(index, into: &scalars)
                advance()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flushRun(index, into: &scalars)
                scalars.append(try parseEscape())
                runStart = index
            case 0x00..<0x20:
                throw failure("unescaped control character \(hex4(UInt32(byte), prefix: "U+")) in string", at: position)
            default:
                advance()
            }
        }
    }

    /// Parses one escape starting at its backslash.
    mutating func parseEscape() throws(JSONParseError) -> Unicode.Scalar {
        let escapeStart = position
        advance()
        guard let byte = current else { throw failure("unterminated string", at: escapeStart) }
        let simple: Unicode.Scalar? = switch byte {
        case UInt8(ascii: "\""): "\""
        case UInt8(ascii: "\\"): "\\"
        case UInt8(ascii: "/"): "/"
        case UInt8(ascii: "b"): "\u{08}"
        case UInt8(ascii: "f"): "\u{0C}"
        case UInt8(ascii: "n"): "\n"
        case UInt8(ascii: "r"): "\r"
        case UInt8(ascii: "t"): "\t"
        default: nil
        }
        if let simple {
            advance()
            return simple
        }
        guard byte == UInt8(ascii: "u") else {
            throw failure("invalid escape \(describeEscapedCharacter()) in string", at: escapeStart)
        }
        advance()
        let unit = try parseHex4(escapeStart: escapeStart)
        switch unit {
        case 0xD800...0xDBFF:
            // A high surrogate must be followed by an escaped low surrogate.
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw failure("unpaired surrogate \(hex4(unit, prefix: "\\u")) in string", at: escapeStart)
            }
            let lowStart = position
            advance()
            advance()
            let low = try parseHex4(escapeStart: lowStart)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw failure("unpaired surrogate \(hex4(unit, prefix: "\\u")) in string", at: escapeStart)
            }
            let value = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            return Unicode.Scalar(value)!  // always in 0x10000...0x10FFFF
        case 0xDC00...0xDFFF:
            throw failure("unpaired surrogate \(hex4(unit, prefix: "\\u")) in string", at: escapeStart)
        default:
            return Unicode.Scalar(unit)!  // not a surrogate, so a valid scalar
        }
    }

    mutating func parseHex4(escapeStart: JSONPosition) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let b = current, let digit = hexValue(b) else {
                throw failure("invalid \\u escape: expected 4 hex digits", at: escapeStart)
            }
            value = value << 4 | digit
            advance()
        }
        return value
    }

    func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// `'\x'` for the character after a backslash (a whole scalar, even when non-ASCII).
    func describeEscapedCharacter() -> String {
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: bytes[index..<end], as: UTF8.self)
        if let scalar = text.unicodeScalars.first, scalar.value < 0x20 {
            return hex4(scalar.value, prefix: "'\\' followed by U+")
        }
        return "'\\\(text)'"
    }

    func hex4(_ value: UInt32, prefix: String) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return prefix + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
