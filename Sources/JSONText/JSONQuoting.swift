/// `text` as a JSON string literal: quoted, with `"`, `\` and control characters escaped.
///
/// Error messages quote user input this way, so a stray quote or newline cannot garble them.
package func jsonQuoted(_ text: String) -> String {
    var out = ""
    appendJSONQuoted(text, to: &out)
    return out
}

/// Appends `text` as a JSON string literal to `out` (see `jsonQuoted`).
package func appendJSONQuoted(_ text: String, to out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            let digits = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        default:
            out.unicodeScalars.append(scalar)
        }
    }
    out += "\""
}
