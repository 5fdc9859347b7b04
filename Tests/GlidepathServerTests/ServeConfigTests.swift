import GlidepathCore
import Testing
@testable import GlidepathServer

@Suite struct ServeConfigTests {
    @Test func defaults() throws {
        let c = try ServeConfig.make(listen: nil, db: nil, policies: nil, environment: [:])
        #expect(c.host == "127.0.0.1" && c.port == 8470)
        #expect(c.databasePath == "./glidepath.db" && c.policiesDirectory == "./policies")
        #expect(c.adminToken == nil && c.ingestToken == nil)
    }

    @Test func nonLoopbackNeedsBothTokens() throws {
        #expect(throws: ConfigError(message: "refusing to listen on 0.0.0.0:9000 without both GLIDEPATH_ADMIN_TOKEN and "
            + "GLIDEPATH_INGEST_TOKEN set; set both tokens or listen on 127.0.0.1")) {
            try ServeConfig.make(listen: "0.0.0.0:9000", db: nil, policies: nil, environment: ["GLIDEPATH_ADMIN_TOKEN": "a"])
        }
        let c = try ServeConfig.make(listen: "0.0.0.0:9000", db: "/tmp/x.db", policies: "/p",
                                     environment: ["GLIDEPATH_ADMIN_TOKEN": "a", "GLIDEPATH_INGEST_TOKEN": "b"])
        #expect(c.host == "0.0.0.0" && c.port == 9000 && c.adminToken == "a" && c.ingestToken == "b")
        #expect(try ServeConfig.make(listen: "[::1]:0", db: nil, policies: nil, environment: [:]).host == "::1")
    }

    @Test func webhookSettingsComeFromTheEnvironment() throws {
        let c = try ServeConfig.make(listen: nil, db: nil, policies: nil, environment: [
            "GLIDEPATH_WEBHOOK_SECRET": "s3cret", "GLIDEPATH_PUBLIC_URL": "https://glidepath.example.com"])
        #expect(c.webhooks == WebhookConfig(secret: "s3cret", publicURL: "https://glidepath.example.com"))
        let empty = try ServeConfig.make(listen: nil, db: nil, policies: nil,
                                         environment: ["GLIDEPATH_WEBHOOK_SECRET": "", "GLIDEPATH_PUBLIC_URL": ""])
        #expect(empty.webhooks == WebhookConfig())
        #expect(throws: ConfigError(message: #"GLIDEPATH_PUBLIC_URL must start with http:// or https://, found "glidepath:8470""#)) {
            try ServeConfig.make(listen: nil, db: nil, policies: nil, environment: ["GLIDEPATH_PUBLIC_URL": "glidepath:8470"])
        }
    }

    @Test(arguments: ["8470", "host:", "host:70000", "host:x"])
    func badListenAddresses(text: String) {
        #expect(throws: ConfigError.self) { try ServeConfig.parseListen(text) }
    }
}

/// `serve --prune`, `--history-days`, `--history-max-decisions`.
@Suite struct ServeLifecycleConfigTests {
    @Test func retentionDefaultsToNinetyDaysAndTenThousandDecisions() throws {
        let c = try ServeConfig.make(listen: nil, db: nil, policies: nil, environment: [:])
        #expect(c.retention == HistoryRetention(days: 90, maxDecisions: 10_000))
        #expect(!c.prune)
        let set = try ServeConfig.make(listen: nil, db: nil, policies: nil, prune: true, historyDays: "0",
                                       historyMaxDecisions: "0", environment: [:])
        #expect(set.prune)
        #expect(set.retention.keepsEverything)
    }

    @Test(arguments: [
        ("-1", nil, "--history-days must be a whole number of days from 0 (keep forever) to 36500, got \"-1\""),
        ("7d", nil, "--history-days must be a whole number of days from 0 (keep forever) to 36500, got \"7d\""),
        (nil, "1e3", "--history-max-decisions must be a whole number from 0 (no cap) to 100000000, got \"1e3\""),
    ] as [(String?, String?, String)])
    func badRetentionFlagsAreRefused(days: String?, max: String?, message: String) {
        #expect(throws: ConfigError(message: message)) {
            try ServeConfig.make(listen: nil, db: nil, policies: nil, historyDays: days, historyMaxDecisions: max,
                                 environment: [:])
        }
    }
}
