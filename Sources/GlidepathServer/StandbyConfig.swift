import GlidepathCore

/// Settings of `glidepath serve --standby --primary URL [--follow-interval DURATION]`.
package struct StandbyConfig: Sendable, Equatable {
    /// The primary's base URL, without a trailing slash.
    package var primary: String
    /// Seconds between two rounds of following.
    package var followInterval: Double = 1
    /// Read the primary's decisions with this token (`GLIDEPATH_PRIMARY_TOKEN`, else `GLIDEPATH_ADMIN_TOKEN`).
    package var primaryToken: String?

    package init(primary: String, followInterval: Double = 1, primaryToken: String? = nil) {
        self.primary = primary
        self.followInterval = followInterval
        self.primaryToken = primaryToken
    }

    /// nil without `--standby`; a usage error for `--primary`/`--follow-interval` without it, a missing or
    /// non-http(s) primary, or an interval outside 100ms...1m.
    package static func make(standby: Bool, primary: String?, followInterval: String?,
                             environment: [String: String]) throws(ConfigError) -> StandbyConfig? {
        guard standby else {
            if primary != nil || followInterval != nil {
                throw ConfigError(message: "--primary and --follow-interval go with --standby")
            }
            return nil
        }
        guard let primary, !primary.isEmpty else {
            throw ConfigError(message: "--standby needs --primary URL (the primary controller, like http://10.0.0.5:8470)")
        }
        var base = primary
        while base.hasSuffix("/") { base.removeLast() }
        let lower = base.lowercased()
        let rest = lower.hasPrefix("http://") ? lower.dropFirst(7) : lower.hasPrefix("https://") ? lower.dropFirst(8) : nil
        guard let rest, !rest.isEmpty, !rest.contains("?"), !rest.contains("#"), !rest.contains("@"),
              !rest.contains(" ") else {
            throw ConfigError(message: "--primary must be an http(s) URL like http://10.0.0.5:8470, got \"\(primary)\"")
        }
        var c = StandbyConfig(primary: base)
        if let text = followInterval {
            guard let span = try? TimeSpan(parsing: text), span >= TimeSpan(milliseconds: 100), span <= .seconds(60) else {
                throw ConfigError(message: "--follow-interval must be a duration from 100ms to 1m, like 1s, got \"\(text)\"")
            }
            c.followInterval = Double(span.milliseconds) / 1000
        }
        let token = environment["GLIDEPATH_PRIMARY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["GLIDEPATH_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        c.primaryToken = token
        return c
    }
}
