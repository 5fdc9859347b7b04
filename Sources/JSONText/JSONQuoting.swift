/// `text` as a JSON string literal: quoted, with `"`, `\` and control characters escaped.
///
/// Error messages quote user input this way, so a stray quote or newline cannot garble them.
package func jsonQuoted(_ text: String) -> String {
    var out = ""
    appendJSONQuoted(text, to: &out)
    return out
}

/// How `appendJSONQuoted` escapes beyond `"`, `\` and control characters.
package enum JSONQuoteStyle: Sendable {
    /// Also DEL as `\u007f` (error messages and documents written here).
    case plain
    /// As Foundation's `JSONEncoder` writes strings: also `/` as `\/`, backspace and form feed as `\b`
    /// and `\f`, DEL as it is (the store's columns, so they read as they always did).
    case foundation
}

/// Appends `text` as a JSON string literal to `out` (see `jsonQuoted`).
package func appendJSONQuoted(_ text: String, to out: inout String, style: JSONQuoteStyle = .plain) {
    out += "\""
    // Most strings need no escape at all: appended whole.
    var plain = true
    for b in text.utf8 where b < 0x20 || b == 0x22 || b == 0x5C || (style == .foundation ? b == 0x2F : b == 0x7F) {
        plain = false
        break
    }
    if plain {
        out += text
        out += "\""
        return
    }
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "/" where style == .foundation: out += "\\/"
        case "\u{08}" where style == .foundation: out += "\\b"
        case "\u{0C}" where style == .foundation: out += "\\f"
        case _ where scalar.value < 0x20 || (scalar.value == 0x7F && style == .plain):
            let digits = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        default:
            out.unicodeScalars.append(scalar)
        }
    }
    out += "\""
}
