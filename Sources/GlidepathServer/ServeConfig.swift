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
    /// `--latency-buckets`: `fine` (default, every E12 bound) or `coarse` (1, 2.2, 4.7 per decade), for
    /// controllers holding many migrations (`LatencyBuckets.Resolution`).
    package var latencyBuckets: LatencyBuckets.Resolution = .fine

    package init() {}

    /// Builds the config from `serve`'s flags and the environment, and refuses an unsafe setup: listening
    /// beyond loopback without both tokens would let anyone on the network move traffic.
    package static func make(listen: String?, db: String?, policies: String?, logFormat: String? = nil,
                            latencyBuckets: String? = nil, environment: [String: String]) throws(ConfigError) -> ServeConfig {
        var c = ServeConfig()
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
        if let base = c.webhooks.publicURL, case .failure(let e) = WebhookURL.parse(base) {
            throw ConfigError(message: "GLIDEPATH_PUBLIC_URL \(e.message)")
        }
        if !isLoopback(c.host) && (c.adminToken == nil || c.ingestToken == nil) {
            throw ConfigError(message: "refusing to listen on \(c.host):\(c.port) without both GLIDEPATH_ADMIN_TOKEN "
                + "and GLIDEPATH_INGEST_TOKEN set; set both tokens or listen on 127.0.0.1")
        }
        return c
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
