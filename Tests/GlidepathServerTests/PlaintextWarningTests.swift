import Testing
@testable import GlidepathServer

/// `serve` beyond loopback without a TLS proxy declared says so at start (README "Across the network").
@Suite struct PlaintextWarningTests {
    static let tokens = ["GLIDEPATH_ADMIN_TOKEN": "a", "GLIDEPATH_INGEST_TOKEN": "b"]

    struct Case: Sendable, CustomTestStringConvertible {
        let listen: String?
        let flag: Bool
        let environment: String?
        let warns: Bool
        var testDescription: String {
            "\(listen ?? "default") flag=\(flag) env=\(environment ?? "unset") → \(warns ? "warns" : "quiet")"
        }
    }

    static let cases: [Case] = [
        Case(listen: nil, flag: false, environment: nil, warns: false),
        Case(listen: "127.0.0.1:9000", flag: false, environment: nil, warns: false),
        Case(listen: "127.0.0.2:9000", flag: false, environment: nil, warns: false),
        Case(listen: "[::1]:9000", flag: false, environment: nil, warns: false),
        Case(listen: "localhost:9000", flag: false, environment: nil, warns: false),
        Case(listen: "0.0.0.0:9000", flag: false, environment: nil, warns: true),
        Case(listen: "10.1.2.3:9000", flag: false, environment: nil, warns: true),
        Case(listen: "[::]:9000", flag: false, environment: nil, warns: true),
        Case(listen: "0.0.0.0:9000", flag: false, environment: "", warns: true),
        Case(listen: "0.0.0.0:9000", flag: false, environment: "0", warns: true),
        Case(listen: "0.0.0.0:9000", flag: false, environment: "no", warns: true),
        Case(listen: "0.0.0.0:9000", flag: true, environment: nil, warns: false),
        Case(listen: "0.0.0.0:9000", flag: false, environment: "1", warns: false),
        Case(listen: "0.0.0.0:9000", flag: false, environment: "TRUE", warns: false),
        Case(listen: "0.0.0.0:9000", flag: true, environment: "0", warns: false),
    ]

    @Test(arguments: cases)
    func warnsOnlyBeyondLoopbackWithoutATLSProxyDeclared(_ c: Case) throws {
        var environment = Self.tokens
        if let e = c.environment { environment["GLIDEPATH_TLS_TERMINATED_BY_PROXY"] = e }
        let config = try ServeConfig.make(listen: c.listen, db: nil, policies: nil, tlsTerminatedByProxy: c.flag,
                                          environment: environment)
        #expect((config.plaintextWarning != nil) == c.warns)
    }

    @Test func theWarningNamesTheAddressTheTokensTheFixAndTheREADME() throws {
        let config = try ServeConfig.make(listen: "0.0.0.0:9000", db: nil, policies: nil, environment: Self.tokens)
        let lines = try #require(config.plaintextWarning)
        #expect(lines.allSatisfy { $0.hasPrefix("WARNING: ") })
        #expect(lines[0] == "WARNING: listening on 0.0.0.0:9000 with plain HTTP (no TLS).")
        let text = lines.joined(separator: "\n")
        #expect(text.contains("GLIDEPATH_INGEST_TOKEN"))
        #expect(text.contains("plaintext"))
        #expect(text.contains("scripts/tls/nginx-glidepath.conf"))
        #expect(text.contains(#"README.md, "Across the network""#))
        #expect(text.contains("--tls-terminated-by-proxy"))
        #expect(lines.allSatisfy { $0.count <= 100 })
    }

    @Test func anUnclearEnvironmentValueIsRefused() {
        #expect(throws: ConfigError(message: #"GLIDEPATH_TLS_TERMINATED_BY_PROXY must be 1 or 0 (true/false, yes/no), got "on""#)) {
            try ServeConfig.make(listen: "0.0.0.0:9000", db: nil, policies: nil,
                                 environment: Self.tokens.merging(["GLIDEPATH_TLS_TERMINATED_BY_PROXY": "on"]) { a, _ in a })
        }
    }

    @Test func theFlagDoesNotLiftTheTokenRequirement() {
        #expect(throws: ConfigError.self) {
            try ServeConfig.make(listen: "0.0.0.0:9000", db: nil, policies: nil, tlsTerminatedByProxy: true, environment: [:])
        }
    }

    @Test func theJSONEventCarriesTheLevelAndTheLines() {
        let line = Log.jsonLine(.server, .warning, "m", [("warning", .string("plaintext_tokens")),
                                                         ("lines", .array([.string("WARNING: x")]))], at: 0)
        #expect(line == #"{"time":"1970-01-01T00:00:00.000Z","level":"warning","event":"server","message":"m","#
            + #""warning":"plaintext_tokens","lines":["WARNING: x"]}"# + "\n")
    }
}
