/// How a standby reads its primary: one bounded GET. "No answer" is a value (`status` nil), never a throw,
/// so the follower can tell "unreachable" from "answered badly".
package protocol FollowTransport: Sendable {
    /// GETs `url` with `headers`; gives up after `timeout` seconds and stops reading after `maxBytes`
    /// (then `tooLarge` is set and the body is cut).
    func get(_ url: String, headers: [(String, String)], timeout: Double, maxBytes: Int) -> FollowResponse
}

/// What the primary answered.
package struct FollowResponse: Sendable, Equatable {
    /// The HTTP status; nil when there was no answer.
    package var status: Int?
    package var etag: String?
    package var cacheControl: String?
    package var body: [UInt8]
    /// True when the answer was longer than the cap (the body is cut).
    package var tooLarge: Bool
    /// Why there was no answer (`connection refused`, `timed out`).
    package var error: String?

    package init(status: Int?, etag: String? = nil, cacheControl: String? = nil, body: [UInt8] = [],
                 tooLarge: Bool = false, error: String? = nil) {
        self.status = status
        self.etag = etag
        self.cacheControl = cacheControl
        self.body = body
        self.tooLarge = tooLarge
        self.error = error
    }

    /// No answer.
    package static func unreachable(_ why: String) -> FollowResponse { FollowResponse(status: nil, error: why) }
}
