/// A cursor over one line of exposition text (without its newline), in UTF-8 bytes.
struct LineScanner {
    let bytes: [UInt8]
    var position: Int
    let end: Int
    let line: Int

    var atEnd: Bool { position >= end }
    var current: UInt8? { position < end ? bytes[position] : nil }

    static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// Skips spaces and tabs; returns how many.
    @discardableResult
    mutating func skipBlanks() -> Int {
        let start = position
        while position < end, Self.isBlank(bytes[position]) { position += 1 }
        return position - start
    }

    /// Consumes bytes up to (not including) the first one matching `stop`, or the end of the line.
    mutating func token(until stop: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        let start = position
        while position < end, !stop(bytes[position]) { position += 1 }
        return bytes[start..<position]
    }

    /// Consumes bytes up to the next blank or the end of the line.
    mutating func word() -> ArraySlice<UInt8> { token(until: Self.isBlank) }

    /// Consumes the rest of the line.
    mutating func rest() -> ArraySlice<UInt8> {
        defer { position = end }
        return bytes[position..<end]
    }

    /// The whole character starting at `index` (UTF-8 aware), for error messages.
    func character(at index: Int) -> String {
        var next = index + 1
        while next < end, bytes[next] & 0xC0 == 0x80 { next += 1 }
        return String(decoding: bytes[index..<min(next, end)], as: UTF8.self)
    }

    func error(_ message: String) -> PromTextError { PromTextError(line: line, message: message) }

    static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
