import HTTPServer
import Testing
@testable import GlidepathServer

/// The RFC 6750 §3 challenges on refused credentials: a realm always, an error code only when a token was
/// sent and is wrong (HTTPolice flags `Bearer` without `realm`).
@Suite struct AuthChallengeTests {
    let w = Fixture.world()

    struct Case: Sendable, CustomTestStringConvertible {
        let method: String
        let path: String
        let authorization: String?
        let status: Int
        let challenge: String?
        var testDescription: String { "\(method) \(path) with \(authorization ?? "no Authorization") → \(status)" }
    }

    static let cases: [Case] = [
        Case(method: "PUT", path: "/v1/migrations/m", authorization: nil, status: 401,
             challenge: #"Bearer realm="glidepath""#),
        Case(method: "PUT", path: "/v1/migrations/m", authorization: "Basic YWRtaW46YWRtaW4=", status: 401,
             challenge: #"Bearer realm="glidepath""#),
        Case(method: "PUT", path: "/v1/migrations/m", authorization: "Bearer ", status: 401,
             challenge: #"Bearer realm="glidepath""#),
        Case(method: "PUT", path: "/v1/migrations/m", authorization: "Bearer guessed", status: 403,
             challenge: #"Bearer realm="glidepath", error="invalid_token""#),
        Case(method: "PUT", path: "/v1/migrations/m", authorization: "Bearer ingest-secret", status: 403,
             challenge: #"Bearer realm="glidepath", error="insufficient_scope""#),
        Case(method: "POST", path: "/v1/migrations/m/pause", authorization: "bearer ingest-secret", status: 403,
             challenge: #"Bearer realm="glidepath", error="insufficient_scope""#),
        Case(method: "GET", path: "/v1/migrations/m/decisions", authorization: nil, status: 401,
             challenge: #"Bearer realm="glidepath""#),
        Case(method: "POST", path: "/v1/migrations/m/observations", authorization: nil, status: 401,
             challenge: #"Bearer realm="glidepath""#),
        Case(method: "POST", path: "/v1/migrations/m/observations", authorization: "Bearer admin-secretX", status: 403,
             challenge: #"Bearer realm="glidepath", error="invalid_token""#),
        Case(method: "GET", path: "/nope", authorization: nil, status: 404, challenge: nil),
        Case(method: "DELETE", path: "/v1/migrations/m/weights", authorization: "Bearer guessed", status: 405,
             challenge: nil),
    ]

    @Test(arguments: cases)
    func challengeFromTheHeadCheck(_ c: Case) {
        let headers = c.authorization.map { [("Authorization", $0)] } ?? []
        let head = HTTPRequestHead(request: Fixture.request(c.method, c.path, headers: headers), contentLength: 2)
        guard case .respond(let response) = w.router.head(head) else {
            Issue.record("expected an answer from the head check")
            return
        }
        #expect(response.status == c.status)
        #expect(response.headers["WWW-Authenticate"] == c.challenge)
    }

    @Test func theHandlerAnswersWithTheSameChallenge() {
        let r = w.router.handle(Fixture.request("GET", "/v1/migrations/m/decisions", headers: [("Authorization", "Bearer no")]))
        #expect(r.status == 403)
        #expect(r.headers["WWW-Authenticate"] == #"Bearer realm="glidepath", error="invalid_token""#)
        #expect(r.text == #"{"error":"the token is not valid for this endpoint"}"#)
    }

    @Test func aPlain401WithoutAChallengeStillGetsTheRealm() {
        let r = Router.error(APIError(status: 401, message: "x"))
        #expect(r.headers["WWW-Authenticate"] == #"Bearer realm="glidepath""#)
    }
}
