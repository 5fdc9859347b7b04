import HTTPServer

/// Checks `Authorization: Bearer <token>` against the configured tokens in constant time.
/// With no token configured the endpoint is open (loopback-only setups; `ServeConfig` enforces that).
package struct Authorizer: Sendable {
    package var adminToken: String?
    package var ingestToken: String?

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

    private func check(_ request: HTTPRequest, accepted: [String]) -> APIError? {
        guard let header = request.headers["Authorization"] else {
            return APIError(status: 401, message: "this endpoint needs an Authorization: Bearer <token> header")
        }
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix else {
            return APIError(status: 401, message: "the Authorization header must be Bearer <token>")
        }
        let given = Array(header.dropFirst(prefix.count).utf8)
        var ok = false
        for token in accepted where Self.constantTimeEquals(given, Array(token.utf8)) { ok = true }
        return ok ? nil : APIError(status: 403, message: "the token is not valid for this endpoint")
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
