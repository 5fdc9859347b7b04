import Glibc
import HTTPServer

/// libFuzzer entry point for `HTTPRequestParser` (and, through chunked requests, `ChunkedBodyDecoder`).
///
/// The first input byte picks how the rest is split into `feed` calls (0: whole, 1: byte by byte,
/// otherwise up to 7 pseudo-random cut points); the rest is the byte stream of one connection. The
/// stream is parsed once whole and once split, with small limits so that they are reached. Checked:
/// both runs give the same requests and, after a final blank line, both end in an error or neither;
/// nothing follows an error or a closing request; every body is within `maxBodyBytes` and matches its
/// `Content-Length`; every head is within `maxHeaderBytes`; the requests' bytes add up to at most the
/// input; error statuses are 4xx/5xx ones the parser documents. A broken invariant traps (libFuzzer
/// records the input). `FUZZ_DEBUG=1 .build-fuzz/release/FuzzHTTP FILE` prints both runs' events.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let mode = data[0]
    let stream = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let maxHeaderBytes = 256
    let maxBodyBytes = 512

    var whole = HTTPRequestParser(maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes)
    let wholeEvents = whole.feed(stream)

    var split = HTTPRequestParser(maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes)
    var splitEvents: [HTTPParserEvent] = []
    for range in cuts(stream.count, mode: mode) {
        splitEvents += split.feed(Array(stream[range]))
    }

    check(wholeEvents, inputBytes: stream.count, maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes)
    check(splitEvents, inputBytes: stream.count, maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes)

    if debug {
        let text = "whole: \(wholeEvents.map(describe))\nsplit: \(splitEvents.map(describe))\n"
        _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    }
    let a = requests(wholeEvents), b = requests(splitEvents)
    if a.requests != b.requests {
        fail("whole and split parses differ (mode \(mode)): \(a.requests.count) vs \(b.requests.count) requests")
    }
    // A malformed request line is refused as soon as it is seen whole in one read, else when the head
    // ends: end both heads with a blank line, then both must agree on the error too.
    let end: [UInt8] = [13, 10, 13, 10]
    let wholeEnd = requests(wholeEvents + whole.feed(end)), splitEnd = requests(splitEvents + split.feed(end))
    if wholeEnd.requests != splitEnd.requests || wholeEnd.failed != splitEnd.failed {
        fail("whole and split parses differ (mode \(mode)): whole \(wholeEnd.requests.count) requests, error "
             + "\(wholeEnd.failed); split \(splitEnd.requests.count) requests, error \(splitEnd.failed)")
    }
    if whole.isStopped != split.isStopped { fail("whole stopped \(whole.isStopped), split stopped \(split.isStopped)") }
    return 0
}

/// `FUZZ_DEBUG=1`: print both runs' events (to replay a saved input).
let debug = getenv("FUZZ_DEBUG").map { String(cString: $0) == "1" } ?? false

/// Ranges covering `0..<count` in order: one, one per byte, or cut at up to 7 points chosen from `mode`.
func cuts(_ count: Int, mode: UInt8) -> [Range<Int>] {
    if count == 0 { return [] }
    if mode == 0 { return [0..<count] }
    if mode == 1 { return (0..<count).map { $0..<($0 + 1) } }
    var state = UInt64(mode) &* 0x9E37_79B9_7F4A_7C15
    var points: [Int] = []
    for _ in 0..<(Int(mode & 7) + 1) {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        points.append(Int((state >> 33) % UInt64(count + 1)))
    }
    points = Array(Set(points + [0, count])).sorted()
    return zip(points, points.dropFirst()).map { $0..<$1 }
}

/// The requests in order, and whether an error was reported (its message may differ with the split:
/// a bad request line is noticed before a too-large head is).
func requests(_ events: [HTTPParserEvent]) -> (requests: [HTTPRequest], failed: Bool) {
    var out: [HTTPRequest] = []
    var failed = false
    for event in events {
        switch event {
        case .request(let r, _): out.append(r)
        case .error: failed = true
        case .sendContinue, .head: break
        }
    }
    return (out, failed)
}

/// One event in a line, for `FUZZ_DEBUG=1` runs on a saved input.
func describe(_ event: HTTPParserEvent) -> String {
    switch event {
    case .sendContinue: return "100-continue"
    case .head(let head): return "head \(head.request.method) \(head.request.target)"
    case .error(let error): return "error \(error)"
    case .request(let r, let framing):
        return "\(r.method) \(r.target) headers \(r.headers.fields) body \(r.body.count) bytes keepAlive \(framing.keepAlive)"
    }
}

let documentedStatuses: Set<Int> = [400, 408, 413, 417, 431, 501, 505]

func check(_ events: [HTTPParserEvent], inputBytes: Int, maxHeaderBytes: Int, maxBodyBytes: Int) {
    var finished = false
    var usedBytes = 0
    for event in events {
        if finished { fail("an event after an error or a closing request: \(event)") }
        switch event {
        case .sendContinue, .head:
            break
        case .error(let error):
            finished = true
            if !documentedStatuses.contains(error.status) { fail("undocumented error status \(error)") }
            if error.message.isEmpty { fail("error without a message") }
        case .request(let request, let framing):
            if !framing.keepAlive { finished = true }
            if request.method.isEmpty || request.path.isEmpty || request.target.isEmpty {
                fail("empty method, target or path: \(request.method) \(request.target) \(request.path)")
            }
            if request.body.count > maxBodyBytes { fail("body of \(request.body.count) bytes > \(maxBodyBytes)") }
            // Request line `M SP target SP HTTP/1.x CRLF`, fields `name: value CRLF`: a lower bound of the
            // head's size on the wire (a scalar is at least one byte; invalid UTF-8 became one U+FFFD each).
            var head = request.method.unicodeScalars.count + 1 + request.target.unicodeScalars.count + 1 + 8 + 2
            for field in request.headers {
                head += field.name.unicodeScalars.count + 1 + field.value.unicodeScalars.count + 2
            }
            if head > maxHeaderBytes + 2 { fail("head of at least \(head) bytes > \(maxHeaderBytes)") }
            let lengths = request.headers.values("Content-Length")
            if let first = lengths.first {
                guard let n = Int(first), n == request.body.count else {
                    fail("Content-Length \(lengths) but a body of \(request.body.count) bytes")
                }
            }
            let chunked = request.headers.values("Transfer-Encoding").contains { $0.lowercased().contains("chunked") }
            if lengths.isEmpty, !chunked, !request.body.isEmpty { fail("a body without framing") }
            // A chunked body takes at least 5 more bytes (`0\r\n\r\n`) than its data.
            usedBytes += head + request.body.count + (chunked ? 5 : 0)
        }
    }
    if usedBytes > inputBytes { fail("requests account for \(usedBytes) bytes, input has \(inputBytes)") }
}

func fail(_ message: String) -> Never {
    fatalError("FuzzHTTP invariant: \(message)")
}
