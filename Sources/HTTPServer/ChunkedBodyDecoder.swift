/// Decodes a `Transfer-Encoding: chunked` body incrementally (RFC 9112 §7.1): request bodies in the
/// server, response bodies in `HTTPClient`. Bytes may arrive split anywhere, each is looked at once (a
/// chunk-size or trailer line still arriving is searched again, but such lines are bounded by
/// `maxLineBytes`), and the decoded body never exceeds `maxBodyBytes`.
///
/// Chunk extensions are ignored; trailer fields are read and dropped (their total is bounded by
/// `maxTrailerBytes`).
struct ChunkedBodyDecoder: Sendable {
    enum Outcome: Sendable {
        case needMore
        case done
        case failed(HTTPParseError)
    }

    private enum Phase: Sendable {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailer
    }

    let maxBodyBytes: Int
    let maxTrailerBytes: Int
    static let maxLineBytes = 1024

    private(set) var body: [UInt8] = []
    private var phase = Phase.size
    private var trailerBytes = 0

    init(maxBodyBytes: Int, maxTrailerBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTrailerBytes = maxTrailerBytes
    }

    /// Consumes bytes of `buf` from `pos` (advanced past what was used) until the body ends, the bytes
    /// run out, or the body is malformed.
    mutating func consume(_ buf: UnsafeBufferPointer<UInt8>, _ pos: inout Int) -> Outcome {
        while true {
            switch phase {
            case .size:
                // The same limit whether the line arrives whole or in pieces: a complete line (with its
                // CRLF) of more than `maxLineBytes`, or a partial one already longer, is refused.
                guard let end = ByteScan.crlf(buf, from: pos), end + 2 - pos <= Self.maxLineBytes else {
                    return buf.count - pos > Self.maxLineBytes ? .failed(.malformedChunk("chunk-size line too long")) : .needMore
                }
                guard let size = Self.chunkSize(UnsafeBufferPointer(rebasing: buf[pos..<end])) else {
                    return .failed(.malformedChunk("malformed chunk size"))
                }
                guard size <= maxBodyBytes - body.count else { return .failed(.bodyTooLarge(limit: maxBodyBytes)) }
                pos = end + 2
                phase = size == 0 ? .trailer : .data(remaining: size)
            case .data(let remaining):
                let n = min(remaining, buf.count - pos)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: buf[pos..<(pos + n)]))
                pos += n
                guard n == remaining else {
                    phase = .data(remaining: remaining - n)
                    return .needMore
                }
                phase = .dataEnd
            case .dataEnd:
                guard buf.count - pos >= 2 else {
                    if buf.count - pos == 1, buf[pos] != 13 { return .failed(.malformedChunk("chunk data not followed by CRLF")) }
                    return .needMore
                }
                guard buf[pos] == 13, buf[pos + 1] == 10 else {
                    return .failed(.malformedChunk("chunk data not followed by CRLF"))
                }
                pos += 2
                phase = .size
            case .trailer:
                guard let end = ByteScan.crlf(buf, from: pos) else {
                    // A lone CR may be the start of the blank line that ends the trailer, which costs nothing.
                    let pending = buf.count - pos == 1 && buf[pos] == 13 ? 0 : buf.count - pos
                    return trailerBytes + pending > maxTrailerBytes
                        ? .failed(.headerTooLarge(limit: maxTrailerBytes)) : .needMore
                }
                if end == pos {
                    pos += 2
                    return .done
                }
                trailerBytes += end - pos + 2
                guard trailerBytes <= maxTrailerBytes else { return .failed(.headerTooLarge(limit: maxTrailerBytes)) }
                guard let colon = ByteScan.index(of: 58, buf, from: pos, to: end), colon > pos else {
                    return .failed(.malformedHeader)
                }
                for i in pos..<colon where !ByteScan.isTokenChar(buf[i]) { return .failed(.malformedHeader) }
                pos = end + 2
            }
        }
    }

    /// The hexadecimal size at the start of a chunk-size line, before any `;extension` (whitespace
    /// allowed before it); nil when malformed or longer than 15 digits.
    static func chunkSize(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        var size = 0
        var digits = 0
        var i = 0
        while i < line.count {
            let b = line[i]
            let v: Int
            switch b {
            case 48...57: v = Int(b - 48)
            case 65...70: v = Int(b - 55)
            case 97...102: v = Int(b - 87)
            default: v = -1
            }
            if v < 0 { break }
            guard digits < 15 else { return nil }
            size = size * 16 + v
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        while i < line.count, line[i] == 32 || line[i] == 9 { i += 1 }
        guard i == line.count || line[i] == 59 else { return nil }
        return size
    }
}
