import Foundation
import Testing
@testable import HTTPServer

// Inputs found by the libFuzzer harness (`scripts/fuzz.sh http`, Sources/FuzzHTTP): its first byte picks
// the split (1: byte by byte), the rest is the stream, parsed with 256-byte heads and 512-byte bodies.
// Each was accepted or refused depending on how the bytes were split across reads.

private let splits = [0, 1, 2, 3, 5, 7, 64]

@Test("fuzz: a trailer filling the limit exactly is accepted however the bytes are split (a lone CR was counted)",
      arguments: splits)
func fuzzTrailerAtLimit(step: Int) {
    // As found: a 254-byte trailer field + CRLF = 256 bytes; byte by byte, the CR of the final blank line
    // was counted as a 257th byte (431).
    let found = Array(Data(base64Encoded:
        "AUUgLyBIVFRQLzEuMQ0KVHJhbnNmZXItRW5jb2Rpbmc6Y2h1bmtlZA0KDQowDQpYOiBTAAAAAAAAAAAAAAAAAAAAAEgAAAAAAAAAAAAAAAAAAA"
        + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAATMAAAAAAAAAAAAAAAAAQ2hhcmEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        + "AAAAaHUN////DQAAAAAAAAAAAAAAAABJbnQAAAAAAAAAAAAAAAAAAAAAAAAAAAAN////DQAAAAAAAABodQ3///8NAAAAAAAAAAAAAAAAewAAAA"
        + "AAAAAAAABUIC9ZWVlUIC9hIEhUVFAvMC74AAAAAAAAAGZlci1FbmNvZGluZzogY2h1bmtlZA0KDQow")!).dropFirst()
    let events = parse(Array(found), step: step, maxHeaderBytes: 256, maxBodyBytes: 512)
    guard case .request(let r, _)? = events.first, events.count == 1 else {
        Issue.record("expected one request, got \(events)")
        return
    }
    #expect(r.method == "E" && r.body.isEmpty)

    // The same, readable: a trailer of exactly `maxHeaderBytes` (one field, with its CRLF).
    let field = "X-T: " + String(repeating: "a", count: 256 - 7) + "\r\n"
    let raw = Array(("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n" + field + "\r\n").utf8)
    let readable = parse(raw, step: step, maxHeaderBytes: 256)
    #expect(readable.count == 1)
    if case .request(let r, _)? = readable.first { #expect(r.body == Array("hi".utf8)) }
    // One byte more is refused, also however it is split.
    let over = Array(("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + "a" + field + "\r\n").utf8)
    #expect(parse(over, step: step, maxHeaderBytes: 256)
        == [.error(HTTPParseError(status: 431, message: "request header fields too large (limit 256 bytes)"))])
}

@Test("fuzz: a chunk-size line longer than 1024 bytes is refused also when it arrives whole", arguments: splits)
func fuzzLongChunkSizeLine(step: Int) {
    func request(lineBytes: Int) -> [UInt8] {
        // `1;e=xxx…` + CRLF, `lineBytes` long in all.
        let line = "1;e=" + String(repeating: "x", count: lineBytes - 6) + "\r\n"
        return Array(("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + line + "z\r\n0\r\n\r\n").utf8)
    }
    let atLimit = parse(request(lineBytes: 1024), step: step)
    guard case .request(let r, _)? = atLimit.first, atLimit.count == 1 else {
        Issue.record("expected one request, got \(atLimit)")
        return
    }
    #expect(r.body == Array("z".utf8))
    #expect(parse(request(lineBytes: 1025), step: step)
        == [.error(HTTPParseError(status: 400, message: "malformed chunked body: chunk-size line too long"))])
}
