/// The start-up check for tokens crossing the network in plaintext: glidepath speaks plain HTTP, so a
/// listener beyond loopback needs a TLS proxy in front (README "Across the network").
extension ServeConfig {
    /// The README section the warning points at.
    package static let acrossTheNetworkSection = "README.md, \"Across the network\""

    /// The lines of the WARNING block `serve` prints on stderr at start, or nil when there is nothing to
    /// say: a loopback listener (the hop from a proxy on the same host), or the operator stated that TLS
    /// is terminated in front (`--tls-terminated-by-proxy`).
    package var plaintextWarning: [String]? {
        guard !Self.isLoopback(host), !tlsTerminatedByProxy else { return nil }
        return [
            "WARNING: listening on \(host):\(port) with plain HTTP (no TLS).",
            "WARNING: every shim and admin request sends its bearer token (GLIDEPATH_INGEST_TOKEN,",
            "WARNING: GLIDEPATH_ADMIN_TOKEN) in plaintext across the network; anyone on the path can read",
            "WARNING: it and move traffic. Put a TLS proxy in front (scripts/tls/nginx-glidepath.conf), listen",
            "WARNING: on 127.0.0.1 behind it, and see \(Self.acrossTheNetworkSection).",
            "WARNING: If TLS is already terminated in front of this address, say so with",
            "WARNING: --tls-terminated-by-proxy (or GLIDEPATH_TLS_TERMINATED_BY_PROXY=1) to silence this.",
        ]
    }

    /// A boolean environment variable: unset, empty, `0`, `false`, `no` are false; `1`, `true`, `yes` true.
    static func flag(_ environment: [String: String], _ name: String) throws(ConfigError) -> Bool {
        guard let raw = environment[name] else { return false }
        switch raw.lowercased() {
        case "", "0", "false", "no": return false
        case "1", "true", "yes": return true
        default: throw ConfigError(message: "\(name) must be 1 or 0 (true/false, yes/no), got \"\(raw)\"")
        }
    }
}
