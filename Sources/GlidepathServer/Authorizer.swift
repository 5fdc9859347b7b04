import HTTPServer

/// Checks `Authorization: Bearer <token>` against the configured tokens in constant time.
/// With no token configured the endpoint is open (loopback-only setups; `ServeConfig` enforces that).
///
/// Refusals carry the RFC 6750 §3 challenge: `Bearer realm="glidepath"` on 401 (no credentials, or not
/// Bearer ones: no error code, as §3.1 asks); on 403 the token was sent but is wrong: `error="invalid_token"`
/// when it is no token this server knows, `error="insufficient_scope"` when it is the other endpoint's
/// (the ingest token on an admin endpoint). The statuses are the protocol's (401 missing, 403 wrong).
package struct Authorizer: Sendable {
    package var adminToken: String?
    package var ingestToken: String?
    /// The protection space named in every challenge.
    package static let realm = "glidepath"

    package init(adminToken: String?, ingestToken: String?) {
        self.adminToken = adminToken
        self.ingestToken = ingestToken
    }

    /// nil when allowed; else 401 (no or malformed credentials) or 403 (wrong token).
    package func checkAdmin(_ request: HTTPRequest) -> APIError? {
        guard let adminToken else { return nil }
        return check(request, accepted: [adminToken])
    }

    /// The ingest token or the admin token.
    package func checkIngest(_ request: HTTPRequest) -> APIError? {
        guard let ingestToken else { return nil }
        return check(request, accepted: [ingestToken] + (adminToken.map { [$0] } ?? []))
    }

    /// `Bearer realm="glidepath"`, with `error="…"` when given (a fixed RFC 6750 code, never client text).
    package static func challenge(error: String?) -> String {
        "Bearer realm=\"\(realm)\"" + (error.map { ", error=\"\($0)\"" } ?? "")
    }

    private func check(_ request: HTTPRequest, accepted: [String]) -> APIError? {
        guard let header = request.headers["Authorization"] else {
            return APIError(status: 401, message: "this endpoint needs an Authorization: Bearer <token> header",
                            challenge: Self.challenge(error: nil))
        }
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix else {
            return APIError(status: 401, message: "the Authorization header must be Bearer <token>",
                            challenge: Self.challenge(error: nil))
        }
        let given = Array(header.dropFirst(prefix.count).utf8)
        var ok = false
        for token in accepted where Self.constantTimeEquals(given, Array(token.utf8)) { ok = true }
        if ok { return nil }
        // Every configured token is compared, so timing does not tell which kind of wrong it was.
        var known = false
        for token in [adminToken, ingestToken].compactMap({ $0 }) where Self.constantTimeEquals(given, Array(token.utf8)) {
            known = true
        }
        return APIError(status: 403, message: known ? "this token is not accepted on this endpoint (it needs the admin token)"
                                                    : "the token is not valid for this endpoint",
                        challenge: Self.challenge(error: known ? "insufficient_scope" : "invalid_token"))
    }

    /// Compares without an early exit, so timing does not reveal how much of a guess was right.
    package static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt64(a.count ^ b.count)
        let n = max(a.count, b.count)
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            diff |= UInt64(x ^ y)
        }
        return diff == 0
    }
}
