/// An `http` or `https` URL a policy may send webhooks to (`notify[].url`, `steps[].gate.webhook`).
///
/// Checked once, at the policy's edge: printable ASCII only (no spaces or control characters), at most
/// `maxLength` characters, scheme `http` or `https`, a non-empty host, an optional port 1–65535, and no
/// user info (`user:password@host`: a secret in the URL would show in logs; put it in the path or let the
/// receiver check `Glidepath-Signature`). Policies are written by admins, so any host is allowed; the
/// sender never follows redirects and caps its time and the answer it reads.
package struct WebhookURL: Hashable, Sendable, CustomStringConvertible {
    package static let maxLength = 2048

    /// The URL exactly as the policy wrote it.
    package let text: String
    /// `https` or `http` (lowercased).
    package let scheme: String
    /// `hooks.example.com` or `127.0.0.1:8080`: what status and logs show (the path may hold a secret, as
    /// Slack's incoming-webhook URLs do, so it is never shown).
    package let host: String

    /// `text` as a webhook URL, or why it is not one (a sentence for a policy problem).
    package static func parse(_ text: String) -> Result<WebhookURL, WebhookURLError> {
        guard !text.isEmpty else { return .failure(WebhookURLError("must be an http or https URL, found \"\"")) }
        guard text.utf8.count <= maxLength else {
            return .failure(WebhookURLError("must be at most \(maxLength) characters, found \(text.utf8.count)"))
        }
        guard text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return .failure(WebhookURLError("must be printable ASCII without spaces (percent-encode the rest), "
                + "found \(jsonQuoted(text))"))
        }
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else {
            return .failure(WebhookURLError("must start with http:// or https://, found \(jsonQuoted(text))"))
        }
        let rest = text.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") {
            // Not echoed: the user info is a secret.
            return .failure(WebhookURLError("must not hold user info (user:password@ before the host)"))
        }
        guard let hostEnd = hostEnd(authority) else {
            return .failure(WebhookURLError("has no host, found \(jsonQuoted(text))"))
        }
        let portText = authority[hostEnd...]
        if !portText.isEmpty {
            let digits = portText.dropFirst()
            guard portText.first == ":", !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ ("0"..."9").contains($0) }),
                  let port = Int(digits), (1...65535).contains(port) else {
                return .failure(WebhookURLError("has a bad port \(jsonQuoted(String(portText))) (1 to 65535), "
                    + "found \(jsonQuoted(text))"))
            }
        }
        return .success(WebhookURL(text: text, scheme: scheme, host: String(authority).lowercased()))
    }

    private init(text: String, scheme: String, host: String) {
        self.text = text
        self.scheme = scheme
        self.host = host
    }

    /// Where the host part of `authority` ends (the port's `:` or the end), nil when there is no host.
    private static func hostEnd(_ authority: Substring) -> Substring.Index? {
        if authority.first == "[" {  // [v6]
            guard let close = authority.firstIndex(of: "]"), authority.distance(from: authority.startIndex, to: close) > 1
            else { return nil }
            return authority.index(after: close)
        }
        let end = authority.firstIndex(of: ":") ?? authority.endIndex
        return end == authority.startIndex ? nil : end
    }

    /// `https://hooks.example.com/…`: scheme and host, the path left out (it may hold a secret).
    package var redacted: String {
        let full = "\(scheme)://\(host)"
        return text.utf8.count > full.utf8.count + 1 ? full + "/…" : full
    }

    package var description: String { redacted }
}

/// Why a string is not a webhook URL.
package struct WebhookURLError: Error, Hashable, Sendable {
    package var message: String
    init(_ message: String) { self.message = message }
}
