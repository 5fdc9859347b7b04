/// Escaping for the status page: every string that comes from outside (names, reasons, actors, arm
/// names, error messages) goes through `escape` before it reaches the page, in text and in
/// double-quoted attributes alike.
package enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references; safe in element
    /// content and in a quoted attribute value.
    package static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A path segment: bytes outside `[A-Za-z0-9._~-]` percent-encoded (names may hold `/`).
    package static func pathSegment(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            switch b {
            case 48...57, 65...90, 97...122, 46, 95, 126, 45: out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
            }
        }
        return out
    }
}
