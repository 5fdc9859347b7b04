import Foundation
import Testing
@testable import GlidepathShim

/// `Configuration.caFile`: which transport the shim sends with, the request bytes, the response reader.
/// The handshake itself (right CA accepted, another CA refused) is `CAFileTransportLiveTests`, which
/// scripts/e2e-tls.sh runs against nginx.
@Suite struct CAFileTransportTests {
    // A public certificate only (its key was thrown away): enough to load as a trust anchor.
    static let fixtureCA = """
        -----BEGIN CERTIFICATE-----
        MIIBnzCCAUWgAwIBAgIUAL0o4cVse9xS/ehRSDGpzpZ8gfowCgYIKoZIzj0EAwIw
        JDEiMCAGA1UEAwwZZ2xpZGVwYXRoIHRlc3QgZml4dHVyZSBDQTAgFw0yNjEyMDIx
        ODE1NTVaGA8yMTI2MTEwODE4MTU1NVowJDEiMCAGA1UEAwwZZ2xpZGVwYXRoIHRl
        c3QgZml4dHVyZSBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKevc1bcUq4Y
        OzizJYskexQiI1sgDTn+Yior2NJpoXJc93CHQ9u6AKt7dYprSr6ISohf7b3TYrg5
        E9M2cVMp7uCjUzBRMB0GA1UdDgQWBBSKTpJDQaCEDsd6aiCEYTWZEQxNAzAfBgNV
        HSMEGDAWgBSKTpJDQaCEDsd6aiCEYTWZEQxNAzAPBgNVHRMBAf8EBTADAQH/MAoG
        CCqGSM49BAMCA0gAMEUCIQDZ9Fg3xcRmItc3iEtxu7ayFVnbSWWrSTPJg3yDiBH/
        MgIgOtUFdA09MgZ7763E7d0oaPul3U/iqfQv6y74Vy4OLYU=
        -----END CERTIFICATE-----

        """

    static func withFile<T>(_ text: String, _ body: (URL) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("glidepath-ca-\(UUID().uuidString).pem")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }

    static func configuration(server: String = "https://glidepath.example:8443", caFile: URL?,
                              transport: any ShimTransport = URLSessionTransport(timeout: 3)) -> GlidepathShim.Configuration {
        GlidepathShim.Configuration(server: URL(string: server)!, migration: "chat-completions", baseline: "openai",
                                    candidate: "holysheep", transport: transport, caFile: caFile)
    }

    @Test func withACAFileTheShimSendsThroughCAFileTransportWithTheSameTimeout() throws {
        try Self.withFile(Self.fixtureCA) { url in
            let shim = try GlidepathShim(configuration: Self.configuration(caFile: url))
            let transport = try #require(shim.configuration.transport as? CAFileTransport)
            #expect(transport.caFile == url)
            #expect(transport.timeout == 3)
        }
    }

    @Test func withoutACAFileTheTransportIsUnchanged() throws {
        let shim = try GlidepathShim(configuration: Self.configuration(caFile: nil))
        #expect(shim.configuration.transport is URLSessionTransport)
    }

    @Test func aTransportYouPassIsKept() throws {
        struct Fake: ShimTransport {
            func send(_ request: ShimRequest) async throws -> ShimResponse { ShimResponse(status: 503) }
        }
        try Self.withFile(Self.fixtureCA) { url in
            let shim = try GlidepathShim(configuration: Self.configuration(caFile: url, transport: Fake()))
            #expect(shim.configuration.transport is Fake)
        }
    }

    @Test func aCAFileWithPlainHTTPIsRefused() throws {
        try Self.withFile(Self.fixtureCA) { url in
            #expect(throws: ShimConfigurationError("caFile is set but server http://10.0.0.5:8470 is not https://: the ingest "
                + "token would cross in plaintext; use the TLS front's https:// URL")) {
                try GlidepathShim(configuration: Self.configuration(server: "http://10.0.0.5:8470", caFile: url))
            }
        }
    }

    @Test(arguments: ["", "not a certificate\n", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"])
    func aFileWithoutACertificateIsRefusedAtConstruction(text: String) throws {
        try Self.withFile(text) { url in
            let error = #expect(throws: ShimConfigurationError.self) { try CAFileTransport(caFile: url) }
            #expect(error?.message.hasPrefix("caFile \(url.path) cannot be used as the trusted CA: ") == true)
        }
    }

    @Test func aMissingFileIsRefusedAtConstruction() {
        let error = #expect(throws: ShimConfigurationError.self) {
            try CAFileTransport(caFile: URL(fileURLWithPath: "/nonexistent/ca.pem"))
        }
        #expect(error?.message.hasPrefix("caFile /nonexistent/ca.pem cannot be used as the trusted CA: ") == true)
    }

    @Test func theRequestIsOneHTTP11ExchangeThatCloses() throws {
        let request = ShimRequest(method: "POST", url: URL(string: "https://h.example:8443/v1/migrations/m/observations?x=1")!,
                                  headers: ["Authorization": "Bearer t", "Content-Type": "text/plain", "Connection": "keep-alive"],
                                  body: Data("openai 200 1\n".utf8))
        let bytes = try CAFileTransport.requestBytes(request, host: "h.example", port: 8443)
        #expect(String(decoding: bytes, as: UTF8.self) == "POST /v1/migrations/m/observations?x=1 HTTP/1.1\r\n"
            + "Host: h.example:8443\r\nConnection: close\r\nAuthorization: Bearer t\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 13\r\n\r\nopenai 200 1\n")
        let get = ShimRequest(method: "GET", url: URL(string: "https://[::1]/w")!)
        #expect(String(decoding: try CAFileTransport.requestBytes(get, host: "::1", port: 443), as: UTF8.self)
            == "GET /w HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n")
        let injected = ShimRequest(method: "GET", url: URL(string: "https://h/w")!, headers: ["X": "a\r\nEvil: 1"])
        #expect(throws: CAFileTransport.Failure.self) { try CAFileTransport.requestBytes(injected, host: "h", port: 443) }
    }

    struct ReaderCase: Sendable, CustomTestStringConvertible {
        let name: String
        let raw: String
        let method: String
        let status: Int?
        let body: String
        var testDescription: String { name }
    }

    static let readerCases: [ReaderCase] = [
        ReaderCase(name: "content-length", raw: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nETag: \"7\"\r\n\r\nokEXTRA",
                   method: "GET", status: 200, body: "ok"),
        ReaderCase(name: "chunked", raw: "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
                   method: "POST", status: 202, body: "abcde"),
        ReaderCase(name: "until close", raw: "HTTP/1.0 200 OK\r\n\r\nall of it", method: "GET", status: 200, body: "all of it"),
        ReaderCase(name: "304 has no body", raw: "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", method: "GET",
                   status: 304, body: ""),
        ReaderCase(name: "HEAD has no body", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", method: "HEAD",
                   status: 200, body: ""),
        ReaderCase(name: "truncated body", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", method: "GET", status: nil, body: ""),
        ReaderCase(name: "truncated chunk", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nab", method: "GET",
                   status: nil, body: ""),
        ReaderCase(name: "no end of head", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", method: "GET", status: nil, body: ""),
        ReaderCase(name: "not HTTP", raw: "SSH-2.0-OpenSSH\r\n\r\n", method: "GET", status: nil, body: ""),
        ReaderCase(name: "bad length", raw: "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", method: "GET", status: nil, body: ""),
    ]

    @Test(arguments: readerCases)
    func theResponseReader(_ c: ReaderCase) throws {
        if let status = c.status {
            let r = try ShimHTTPResponseReader.parse(Array(c.raw.utf8), requestMethod: c.method)
            #expect(r.status == status)
            #expect(String(decoding: r.body, as: UTF8.self) == c.body)
        } else {
            #expect(throws: ShimHTTPResponseReader.Failure.self) {
                try ShimHTTPResponseReader.parse(Array(c.raw.utf8), requestMethod: c.method)
            }
        }
    }

    @Test func headersAreLowerCasedAndRepeatsJoined() throws {
        let r = try ShimHTTPResponseReader.parse(Array("HTTP/1.1 200 OK\r\nETag:  \"3\" \r\nVary: a\r\nvary: b\r\n\r\n".utf8))
        #expect(r.headers["etag"] == "\"3\"")
        #expect(r.headers["vary"] == "a, b")
    }
}

/// The real handshake, run by scripts/e2e-tls.sh against nginx (it sets the variables): the CA that
/// signed the server's certificate is accepted; a certificate from another CA, or another CA's file,
/// is refused with a verification error.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["GLIDEPATH_TLS_URL"] != nil))
struct CAFileTransportLiveTests {
    let env = ProcessInfo.processInfo.environment

    @Test func theRightCAIsAcceptedAndTheWeightsArrive() async throws {
        let url = try #require(env["GLIDEPATH_TLS_URL"].flatMap(URL.init(string:)))
        let transport = try CAFileTransport(caFile: URL(fileURLWithPath: try #require(env["GLIDEPATH_TLS_CA_FILE"])), timeout: 5)
        let r = try await transport.send(ShimRequest(method: "GET", url: url.appendingPathComponent("healthz")))
        #expect(r.status == 200)
        #expect(String(decoding: r.body, as: UTF8.self) == "ok\n")
    }

    @Test func aCertificateFromAnotherCAIsRefused() async throws {
        let rogue = try #require(env["GLIDEPATH_TLS_ROGUE_URL"].flatMap(URL.init(string:)))
        let transport = try CAFileTransport(caFile: URL(fileURLWithPath: try #require(env["GLIDEPATH_TLS_CA_FILE"])))
        let error = await #expect(throws: CAFileTransport.Failure.self) {
            try await transport.send(ShimRequest(method: "GET", url: rogue.appendingPathComponent("healthz")))
        }
        #expect(error?.message.contains("certificate verify failed") == true)
    }

    @Test func theRightServerWithAnotherCAFileIsRefused() async throws {
        let url = try #require(env["GLIDEPATH_TLS_URL"].flatMap(URL.init(string:)))
        let transport = try CAFileTransport(caFile: URL(fileURLWithPath: try #require(env["GLIDEPATH_TLS_WRONG_CA_FILE"])))
        let error = await #expect(throws: CAFileTransport.Failure.self) {
            try await transport.send(ShimRequest(method: "GET", url: url.appendingPathComponent("healthz")))
        }
        #expect(error?.message.contains("certificate verify failed") == true)
    }

    @Test func theShimPollsAndReportsOverTLS() async throws {
        let url = try #require(env["GLIDEPATH_TLS_URL"].flatMap(URL.init(string:)))
        let migration = try #require(env["GLIDEPATH_TLS_MIGRATION"])
        let shim = try GlidepathShim(configuration: GlidepathShim.Configuration(
            server: url, migration: migration, ingestToken: env["GLIDEPATH_INGEST_TOKEN"], baseline: env["GLIDEPATH_TLS_BASELINE"],
            pollInterval: 0.2, caFile: URL(fileURLWithPath: try #require(env["GLIDEPATH_TLS_CA_FILE"]))))
        shim.start()
        var seen = false
        for _ in 0..<50 where !seen {
            try await Task.sleep(for: .milliseconds(100))
            seen = shim.weights != nil
        }
        #expect(seen)
        // The ingest token crosses inside TLS: the controller accepts the batch.
        let baseline = try #require(env["GLIDEPATH_TLS_BASELINE"])
        for _ in 0..<3 { shim.record(arm: baseline, status: 200, latency: .milliseconds(12)) }
        #expect(await shim.flush() == 3)
        await shim.stop()
    }
}
