import GlidepathCore

/// Settings of `glidepath serve`: flags first, then environment, then defaults.
package struct ServeConfig: Sendable, Equatable {
    package var host: String = "127.0.0.1"
    package var port: UInt16 = 8470
    package var databasePath: String = "./glidepath.db"
    package var policiesDirectory: String = "./policies"
    /// Required on admin endpoints when set (`GLIDEPATH_ADMIN_TOKEN`).
    package var adminToken: String?
    /// Required on the ingest endpoint when set (`GLIDEPATH_INGEST_TOKEN`); the admin token is accepted too.
    package var ingestToken: String?
    /// `--log-format` or `GLIDEPATH_LOG_FORMAT`: `text` (default) or `json`.
    package var logFormat: LogFormat = .text
    /// `GLIDEPATH_WEBHOOK_SECRET` (signs webhooks) and `GLIDEPATH_PUBLIC_URL` (links in notifications).
    package var webhooks = WebhookConfig()
    /// `--prune`: delete migrations whose policy file is gone from the policies folder (at start).
    package var prune = false
    /// `--history-days` and `--history-max-decisions`: how long decisions are kept.
    package var retention = HistoryRetention()
    /// `--tls-terminated-by-proxy` or `GLIDEPATH_TLS_TERMINATED_BY_PROXY=1`: the operator says clients reach a
    /// non-loopback listener only through a TLS proxy, which silences the plaintext warning.
    package var tlsTerminatedByProxy = false
    /// `--standby --primary URL`: follow a primary read-only instead of running migrations (`StandbyCommand`).
    package var standby: StandbyConfig?
    /// `--latency-buckets`: `fine` (default, every E12 bound) or `coarse` (1, 2.2, 4.7 per decade), for
    /// controllers holding many migrations (`LatencyBuckets.Resolution`).
    package var latencyBuckets: LatencyBuckets.Resolution = .fine

    package init() {}

    /// Builds the config from `serve`'s flags and the environment, and refuses an unsafe setup: listening
    /// beyond loopback without both tokens would let anyone on the network move traffic.
    package static func make(listen: String?, db: String?, policies: String?, logFormat: String? = nil,
                            prune: Bool = false, historyDays: String? = nil, historyMaxDecisions: String? = nil,
                            tlsTerminatedByProxy: Bool = false, latencyBuckets: String? = nil,
                            environment: [String: String]) throws(ConfigError) -> ServeConfig {
        var c = ServeConfig()
        c.prune = prune
        c.retention = try retention(days: historyDays, maxDecisions: historyMaxDecisions)
        if let listen {
            let (host, port) = try parseListen(listen)
            c.host = host
            c.port = port
        }
        if let db { c.databasePath = db }
        if let policies { c.policiesDirectory = policies }
        if let text = logFormat ?? environment["GLIDEPATH_LOG_FORMAT"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let format = LogFormat(rawValue: text) else {
                throw ConfigError(message: "--log-format must be text or json, got \"\(text)\"")
            }
            c.logFormat = format
        }
        if let text = latencyBuckets {
            guard let resolution = LatencyBuckets.Resolution(rawValue: text) else {
                throw ConfigError(message: "--latency-buckets must be fine or coarse, got \"\(text)\"")
            }
            c.latencyBuckets = resolution
        }
        c.adminToken = environment["GLIDEPATH_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        c.ingestToken = environment["GLIDEPATH_INGEST_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        c.webhooks = WebhookConfig.from(environment: environment)
        let tlsFromEnvironment = try flag(environment, "GLIDEPATH_TLS_TERMINATED_BY_PROXY")
        c.tlsTerminatedByProxy = tlsTerminatedByProxy || tlsFromEnvironment
        if let base = c.webhooks.publicURL, case .failure(let e) = WebhookURL.parse(base) {
            throw ConfigError(message: "GLIDEPATH_PUBLIC_URL \(e.message)")
        }
        if !isLoopback(c.host) && (c.adminToken == nil || c.ingestToken == nil) {
            throw ConfigError(message: "refusing to listen on \(c.host):\(c.port) without both GLIDEPATH_ADMIN_TOKEN "
                + "and GLIDEPATH_INGEST_TOKEN set; set both tokens or listen on 127.0.0.1")
        }
        return c
    }

    /// `--history-days N` (0...36500, 0 keeps forever) and `--history-max-decisions N` (0...100000000, 0 no cap).
    package static func retention(days: String?, maxDecisions: String?) throws(ConfigError) -> HistoryRetention {
        var r = HistoryRetention()
        if let days {
            guard let n = Int(days), (0...HistoryRetention.maxDays).contains(n) else {
                throw ConfigError(message: "--history-days must be a whole number of days from 0 (keep forever) to "
                    + "\(HistoryRetention.maxDays), got \"\(days)\"")
            }
            r.days = n
        }
        if let maxDecisions {
            guard let n = Int(maxDecisions), (0...HistoryRetention.maxDecisionsLimit).contains(n) else {
                throw ConfigError(message: "--history-max-decisions must be a whole number from 0 (no cap) to "
                    + "\(HistoryRetention.maxDecisionsLimit), got \"\(maxDecisions)\"")
            }
            r.maxDecisions = n
        }
        return r
    }

    /// `HOST:PORT`, `[v6]:PORT` or `:PORT` (loopback).
    package static func parseListen(_ text: String) throws(ConfigError) -> (String, UInt16) {
        guard let colon = text.lastIndex(of: ":") else {
            throw ConfigError(message: "--listen must be HOST:PORT, got \"\(text)\"")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = UInt16(portText) else {
            throw ConfigError(message: "--listen port must be 0...65535, got \"\(portText)\"")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "127.0.0.1" }
        return (host, port)
    }

    package static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// A configuration that cannot be used, with a message for the operator.
package struct ConfigError: Error, Equatable, CustomStringConvertible {
    package var message: String
    package init(message: String) { self.message = message }
    package var description: String { message }
}
