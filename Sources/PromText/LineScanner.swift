#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cursor over one line of exposition text (without its newline), in UTF-8 bytes. The buffer is the
/// whole input, alive for the duration of one `PromTextParser.parse` call.
struct LineScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int
    let line: Int

    var atEnd: Bool { position >= end }
    var current: UInt8? { position < end ? bytes[position] : nil }

    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// Skips spaces and tabs; returns how many.
    @discardableResult
    mutating func skipBlanks() -> Int {
        let start = position
        while position < end, Self.isBlank(bytes[position]) { position += 1 }
        return position - start
    }

    /// Consumes bytes up to (not including) the first one matching `stop`, or the end of the line.
    @inline(__always)
    mutating func token(until stop: (UInt8) -> Bool) -> UnsafeBufferPointer<UInt8> {
        let start = position
        while position < end, !stop(bytes[position]) { position += 1 }
        return slice(start, position)
    }

    /// Consumes bytes up to the next blank or the end of the line.
    mutating func word() -> UnsafeBufferPointer<UInt8> { token(until: Self.isBlank) }

    /// Consumes the rest of the line.
    mutating func rest() -> UnsafeBufferPointer<UInt8> {
        defer { position = end }
        return slice(position, end)
    }

    /// The bytes `start..<end` of the input.
    @inline(__always) func slice(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// The whole character starting at `index` (UTF-8 aware), for error messages.
    func character(at index: Int) -> String {
        var next = index + 1
        while next < end, bytes[next] & 0xC0 == 0x80 { next += 1 }
        return String(decoding: bytes[index..<min(next, end)], as: UTF8.self)
    }

    func error(_ message: String) -> PromTextError { PromTextError(line: line, message: message) }

    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Byte-wise equality of two spans of the input (or any two buffers).
    @inline(__always) static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0 else { return true }
        return memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
    }
}
