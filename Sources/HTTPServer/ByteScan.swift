/// Byte-level helpers for the parsers: no Strings are made until a value is kept.
enum ByteScan {
    /// The index of the first CRLF at or after `from`.
    static func crlf(_ buf: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        while i + 1 < buf.count {
            if buf[i] == 13, buf[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }

    static func index(of byte: UInt8, _ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        var i = from
        while i < to {
            if buf[i] == byte { return i }
            i += 1
        }
        return nil
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// RFC 9110 `tchar`: the characters of methods and header names.
    static func isTokenChar(_ b: UInt8) -> Bool {
        switch b {
        case 48...57, 65...90, 97...122: return true
        case 33, 35, 36, 37, 38, 39, 42, 43, 45, 46, 94, 95, 96, 124, 126: return true
        default: return false
        }
    }

    static func equals(_ buf: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard buf.count == literal.utf8CodeUnitCount else { return false }
        let lit = literal.utf8Start
        for i in 0..<buf.count where buf[i] != lit[i] { return false }
        return true
    }

    /// ASCII case-insensitive comparison against a lowercase literal.
    static func equalsIgnoringCase(_ buf: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        guard buf.count == lowercase.utf8CodeUnitCount else { return false }
        let lit = lowercase.utf8Start
        for i in 0..<buf.count {
            var b = buf[i]
            if b >= 65 && b <= 90 { b |= 0x20 }
            if b != lit[i] { return false }
        }
        return true
    }

    /// A non-negative decimal of digits only; values too big for any body saturate to `Int.max`.
    static func decimal(_ buf: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !buf.isEmpty else { return nil }
        var n = 0
        for b in buf {
            guard isDigit(b) else { return nil }
            if n > (Int.max - 9) / 10 {
                n = Int.max
            } else {
                n = n * 10 + Int(b - 48)
            }
        }
        return n
    }

    /// Calls `body` with each comma-separated, whitespace-trimmed, non-empty element of a list field.
    static func forEachToken(_ buf: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = 0
        while start <= buf.count {
            var end = start
            while end < buf.count, buf[end] != 44 { end += 1 }
            var a = start
            var b = end
            while a < b, buf[a] == 32 || buf[a] == 9 { a += 1 }
            while b > a, buf[b - 1] == 32 || buf[b - 1] == 9 { b -= 1 }
            if a < b { body(UnsafeBufferPointer(rebasing: buf[a..<b])) }
            start = end + 1
        }
    }
}

extension ByteScan {
    /// Calls `body` with each non-empty piece of `buf` between `separator` bytes.
    static func forEachSeparated(_ buf: UnsafeBufferPointer<UInt8>, by separator: UInt8,
                                 _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = 0
        while start < buf.count {
            let end = index(of: separator, buf, from: start, to: buf.count) ?? buf.count
            if end > start { body(UnsafeBufferPointer(rebasing: buf[start..<end])) }
            start = end + 1
        }
    }
}
