/// Splits a request target into a percent-decoded path and query parameters.
///
/// The path is decoded segment by segment: `%2F` (an encoded slash) and `%25` (an encoded percent sign)
/// stay encoded, as `%2F` and `%25`, so every `/` in the decoded path separates segments and
/// `/v1/migrations/m1%2fweights` never reads as `/v1/migrations/m1/weights`.
enum HTTPRequestTarget {
    /// Accepts origin-form (`/a/b?x=1`), absolute-form (`http://host/a`) and `*`.
    static func split(_ target: UnsafeBufferPointer<UInt8>) -> Result<(String, [String: String]), HTTPParseError> {
        if target.count == 1, target[0] == 42 { return .success(("*", [:])) }
        var start = 0
        if target.first != 47 {
            // Absolute-form: drop `scheme://authority`, keep the path.
            guard let colon = ByteScan.index(of: 58, target, from: 0, to: target.count),
                  colon + 2 < target.count, target[colon + 1] == 47, target[colon + 2] == 47
            else { return .failure(.malformedRequestLine) }
            start = ByteScan.index(of: 47, target, from: colon + 3, to: target.count) ?? target.count
            if start == target.count { return .success(("/", [:])) }
        }
        let question = ByteScan.index(of: 63, target, from: start, to: target.count) ?? target.count
        guard let path = decode(UnsafeBufferPointer(rebasing: target[start..<question]), plusIsSpace: false,
                                keepingSeparators: true) else {
            return .failure(.invalidPercentEncoding)
        }
        var query: [String: String] = [:]
        if question < target.count {
            var failed = false
            ByteScan.forEachSeparated(UnsafeBufferPointer(rebasing: target[(question + 1)...]), by: 38) { pair in
                let eq = ByteScan.index(of: 61, pair, from: 0, to: pair.count) ?? pair.count
                guard let key = decode(UnsafeBufferPointer(rebasing: pair[0..<eq]), plusIsSpace: true),
                      let value = eq < pair.count
                        ? decode(UnsafeBufferPointer(rebasing: pair[(eq + 1)...]), plusIsSpace: true) : ""
                else { failed = true; return }
                query[key] = value
            }
            if failed { return .failure(.invalidPercentEncoding) }
        }
        return .success((path, query))
    }

    /// Decodes `%XX` escapes (and `+` in queries); nil on a bad escape or invalid UTF-8.
    /// `keepingSeparators`: `%2F` and `%25` stay encoded (uppercase), so segments keep their boundaries.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, plusIsSpace: Bool, keepingSeparators: Bool = false) -> String? {
        if ByteScan.index(of: 37, bytes, from: 0, to: bytes.count) == nil,
           !plusIsSpace || ByteScan.index(of: 43, bytes, from: 0, to: bytes.count) == nil {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 37 {
                guard i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) else {
                    return nil
                }
                let byte = hi << 4 | lo
                if keepingSeparators && (byte == 47 || byte == 37) {
                    out += [37, 50, byte == 47 ? 70 : 53]
                } else {
                    out.append(byte)
                }
                i += 3
            } else {
                out.append(plusIsSpace && b == 43 ? 32 : b)
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: return b - 48
        case 65...70: return b - 55
        case 97...102: return b - 87
        default: return nil
        }
    }
}
