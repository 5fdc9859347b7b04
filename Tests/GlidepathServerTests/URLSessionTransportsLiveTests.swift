import Foundation
import HTTPServer
import Testing
@testable import GlidepathServer

/// The two URLSession transports over `URLSessionExchanges`, against a local receiver: redirects are the
/// answer, bodies stop at the cap, headers and status come through, a slow peer times out.
@Suite(.serialized) struct URLSessionTransportsLiveTests {
    static let big = String(repeating: "x", count: 10_000)

    @Test func theFollowTransportReadsHeadersCutsBigBodiesAndNeverFollowsRedirects() throws {
        let receiver = try WebhookReceiver([
            .init(status: 200, body: "{\"a\":1}", headers: [("ETag", "\"r7\""), ("Cache-Control", "max-age=5")]),
            .init(status: 200, body: Self.big),
            .init(status: 302, body: "moved", headers: [("Location", "http://127.0.0.1:9/elsewhere")]),
            .init(status: 200, body: "late", delay: 1.5),
        ])
        defer { receiver.stop() }
        let transport = URLSessionFollowTransport()
        defer { transport.close() }
        let ok = transport.get(receiver.url, headers: [("Authorization", "Bearer t")], timeout: 5, maxBytes: 100)
        #expect(ok.status == 200)
        #expect(ok.etag == "\"r7\"")
        #expect(ok.cacheControl == "max-age=5")
        #expect(String(decoding: ok.body, as: UTF8.self) == "{\"a\":1}")
        #expect(!ok.tooLarge)
        #expect(receiver.requests.first?.headers["Authorization"] == "Bearer t")
        let big = transport.get(receiver.url, headers: [], timeout: 5, maxBytes: 100)
        #expect(big.status == 200)
        #expect(big.tooLarge)
        #expect(big.body.count == 100)
        let moved = transport.get(receiver.url, headers: [], timeout: 5, maxBytes: 100)
        #expect(moved.status == 302)
        #expect(receiver.requests.count == 3)
        let slow = transport.get(receiver.url, headers: [], timeout: 0.5, maxBytes: 100)
        #expect(slow == .unreachable("timed out after 0.5s"))
        #expect(transport.get("ftp://h/x", headers: [], timeout: 1, maxBytes: 1) == .unreachable("not an http(s) URL: ftp://h/x"))
    }

    @Test func theWebhookTransportShowsTheStartOfABodyAndTheRedirectItself() throws {
        let receiver = try WebhookReceiver([
            .init(status: 200, body: Self.big),
            .init(status: 307, body: "moved", headers: [("Location", "http://127.0.0.1:9/elsewhere")]),
        ])
        defer { receiver.stop() }
        let transport = URLSessionWebhookTransport()
        defer { transport.close() }
        let request = WebhookRequest(url: receiver.url, headers: [(name: "X-Glidepath-Signature", value: "s")], body: Array("{}".utf8))
        let big = transport.post(request, timeout: 5)
        #expect(big.status == 200)
        #expect(big.detail == String(repeating: "x", count: WebhookResponse.maxDetailCharacters - 1) + "…")
        #expect(receiver.requests.first?.headers["X-Glidepath-Signature"] == "s")
        #expect(receiver.requests.first?.body == Array("{}".utf8))
        let moved = transport.post(request, timeout: 5)
        #expect(moved.status == 307)
        #expect(moved.detail == "moved")
        #expect(receiver.requests.count == 2)
        let refused = transport.post(WebhookRequest(url: "http://127.0.0.1:9/x", headers: [], body: []), timeout: 2)
        #expect(refused.status == nil)
        #expect(refused.detail == "connection refused")
    }
}
