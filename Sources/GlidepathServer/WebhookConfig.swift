import GlidepathCore

/// How the controller sends webhooks (notifications and gate questions): the signing secret, its public
/// address for links, and the bounds on every POST.
package struct WebhookConfig: Sendable, Equatable {
    /// `GLIDEPATH_WEBHOOK_SECRET`: when set, every POST carries `Glidepath-Timestamp` and `Glidepath-Signature`.
    package var secret: String?
    /// `GLIDEPATH_PUBLIC_URL`: the controller's address as people reach it; bodies link the status page.
    package var publicURL: String?
    /// A POST gives up after this many seconds.
    package var timeoutSeconds: Double = 5

    package init(secret: String? = nil, publicURL: String? = nil) {
        self.secret = secret
        self.publicURL = publicURL
    }

    /// From the environment (`GLIDEPATH_WEBHOOK_SECRET`, `GLIDEPATH_PUBLIC_URL`); empty values count as unset.
    package static func from(environment: [String: String]) -> WebhookConfig {
        func value(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        return WebhookConfig(secret: value("GLIDEPATH_WEBHOOK_SECRET"), publicURL: value("GLIDEPATH_PUBLIC_URL"))
    }

    /// The headers of a POST of `body` sent at `unixSeconds`:
    ///
    /// - `Content-Type: application/json`, `User-Agent: glidepath/<version>`
    /// - `Glidepath-Event: <event>` and `Glidepath-Delivery: <id>` (the same for every attempt of one
    ///   notification, so a receiver can drop a repeat)
    /// - with a secret: `Glidepath-Timestamp: <unix seconds>` and
    ///   `Glidepath-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
    package func headers(body: [UInt8], event: String, delivery: String, unixSeconds: Int64) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("User-Agent", "glidepath/\(ServerMetrics.version)"),
            ("Glidepath-Event", event), ("Glidepath-Delivery", delivery),
        ]
        if let secret {
            out.append(("Glidepath-Timestamp", String(unixSeconds)))
            out.append(("Glidepath-Signature", Self.signature(secret: secret, timestamp: unixSeconds, body: body)))
        }
        return out
    }

    /// `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the timestamp binds the signature to its time,
    /// so a receiver that refuses old timestamps cannot be replayed old requests.
    package static func signature(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        "sha256=" + HMACSHA256.hex(HMACSHA256.mac(key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body))
    }
}
