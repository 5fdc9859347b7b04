/// A small strict JSON parser (RFC 8259) that records where every value starts.
///
/// Strict: no comments, no trailing commas, no single quotes, no leading zeros, no `NaN`;
/// duplicate object keys are an error; nesting is limited (`maxDepth`). A leading byte-order
/// mark is skipped. Errors carry the line and column where parsing stopped.
package struct JSONParser {
    /// Objects and arrays nested deeper than this are rejected (guards the recursion).
    package static let defaultMaxDepth = 64

    /// Parses one JSON value that spans the whole of `text` (surrounding whitespace allowed).
    package static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: Array(text.utf8), maxDepth: maxDepth)
        if parser.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if !parser.atEnd { throw parser.failure("end of input after the JSON value") }
        return value
    }

    let bytes: [UInt8]
    let maxDepth: Int
    var index = 0
    var line = 1
    var column = 1

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    var atEnd: Bool { index >= bytes.count }
    var current: UInt8? { index < bytes.count ? bytes[index] : nil }
    var position: JSONPosition { JSONPosition(line: line, column: column) }

    /// Moves past one byte; only a scalar's first byte moves the column.
    mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    mutating func skipWhitespace() {
        while let b = current, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { advance() }
    }

    /// `expected <what>` here, or `unexpected end of input; expected <what>` at the end.
    func failure(_ what: String) -> JSONParseError {
        JSONParseError(position: position, message: atEnd ? "unexpected end of input; expected \(what)" : "expected \(what)")
    }

    func failure(_ message: String, at position: JSONPosition) -> JSONParseError {
        JSONParseError(position: position, message: message)
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        let start = position
        guard let byte = current else { throw failure("a value") }
        switch byte {
        case UInt8(ascii: "{"):
            return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["):
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            return JSONValue(.string(try parseString()), at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONValue(.number(try parseNumber()), at: start)
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return try parseLiteral()
        default:
            throw failure("a value")
        }
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        let start = position
        if depth > maxDepth { throw failure("nesting deeper than \(maxDepth) levels", at: start) }
        advance()
        skipWhitespace()
        var members: [JSONMember] = []
        var seen: Set<String> = []
        if current == UInt8(ascii: "}") {
            advance()
            return JSONValue(.object(members), at: start)
        }
        while true {
            guard current == UInt8(ascii: "\"") else {
                throw failure(members.isEmpty ? "a string key or '}'" : "a string key after ','")
            }
            let keyPosition = position
            let key = try parseString()
            if !seen.insert(key).inserted {
                throw failure("duplicate key \(jsonQuoted(key))", at: keyPosition)
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("':' after an object key") }
            advance()
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append(JSONMember(key: key, keyPosition: keyPosition, value: value))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                advance()
                skipWhitespace()
            case UInt8(ascii: "}"):
                advance()
                return JSONValue(.object(members), at: start)
            default:
                throw failure("',' or '}' after an object member")
            }
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        let start = position
        if depth > maxDepth { throw failure("nesting deeper than \(maxDepth) levels", at: start) }
        advance()
        skipWhitespace()
        var elements: [JSONValue] = []
        if current == UInt8(ascii: "]") {
            advance()
            return JSONValue(.array(elements), at: start)
        }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                advance()
                skipWhitespace()
            case UInt8(ascii: "]"):
                advance()
                return JSONValue(.array(elements), at: start)
            default:
                throw failure("',' or ']' after an array element")
            }
        }
    }

    /// `true`, `false`, `null`; any other bare word is an error naming the word.
    mutating func parseLiteral() throws(JSONParseError) -> JSONValue {
        let start = position
        let from = index
        while let b = current, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b | 0x20) { advance() }
        let word = String(decoding: bytes[from..<index], as: UTF8.self)
        switch word {
        case "true": return JSONValue(.bool(true), at: start)
        case "false": return JSONValue(.bool(false), at: start)
        case "null": return JSONValue(.null, at: start)
        default:
            throw failure("invalid literal \(jsonQuoted(word)) (strings need double quotes)", at: start)
        }
    }

    /// Returns the number's source text after checking it against the JSON grammar.
    mutating func parseNumber() throws(JSONParseError) -> String {
        let from = index
        if current == UInt8(ascii: "-") { advance() }
        guard let first = current, isDigit(first) else {
            throw failure("invalid number: expected a digit after '-'", at: position)
        }
        advance()
        if first == UInt8(ascii: "0"), let next = current, isDigit(next) {
            throw failure("invalid number: leading zeros are not allowed", at: position)
        }
        skipDigits()
        if current == UInt8(ascii: ".") {
            advance()
            guard let d = current, isDigit(d) else {
                throw failure("invalid number: expected a digit after '.'", at: position)
            }
            skipDigits()
        }
        if let e = current, e | 0x20 == UInt8(ascii: "e") {
            advance()
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { advance() }
            guard let d = current, isDigit(d) else {
                throw failure("invalid number: expected a digit in the exponent", at: position)
            }
            skipDigits()
        }
        return String(decoding: bytes[from..<index], as: UTF8.self)
    }

    func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    mutating func skipDigits() {
        while let b = current, isDigit(b) { advance() }
    }
}
