import GlidepathCore
import Testing
@testable import GlidepathServer

@Suite struct JSONRenderingTests {
    @Test(arguments: [
        (JSON.string("a\"b\\c\n\u{01}"), #""a\"b\\c\n\u0001""#),
        (JSON.number(5), "5"),
        (JSON.number(0.25), "0.25"),
        (JSON.number(.nan), "null"),
        (JSON.int(-7), "-7"),
        (JSON.object([("b", .bool(true)), ("a", .null)]), #"{"b":true,"a":null}"#),
        (JSON.array([.raw("12.5"), .string("x")]), #"[12.5,"x"]"#),
    ])
    func rendersCompactJSONInGivenKeyOrder(value: JSON, expected: String) {
        #expect(value.rendered == expected)
    }
}

@Suite struct ISOTimeTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1_764_000_000_000), "2025-11-24T16:00:00.000Z"),
        (Int64(951_782_400_123), "2000-02-29T00:00:00.123Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
    ])
    func formatsEpochMillisecondsAsUTC(ms: Int64, expected: String) {
        #expect(ISOTime.format(milliseconds: ms) == expected)
    }
}

@Suite struct WeightsDocumentTests {
    let policy = Policy(migration: "chat-completions", baseline: "openai", candidate: "holysheep",
                        steps: [Step(weight: Weight(basisPoints: 500)), Step(weight: Weight(basisPoints: 1250)), Step(weight: .full)])

    func status(step: Int, phase: Phase = .ramping, revision: Int64 = 7) -> MigrationStatus {
        MigrationStatus(migration: "chat-completions", policyVersion: 1, phase: phase, step: step, revision: revision,
                        stepStartedAt: 0, updatedAt: 0, reason: "")
    }

    @Test func rendersTheExactProtocolBytes() {
        let doc = WeightsDocument(status: status(step: 0), policy: policy)
        #expect(String(decoding: doc.body, as: UTF8.self) == #"{"migration":"chat-completions","revision":7,"state":"ramping","step":0,"baseline":"openai","candidate":"holysheep","weights":{"openai":95,"holysheep":5},"pollAfterSeconds":5,"errorStatuses":[0,429,"5xx"],"breaker":{"consecutiveErrors":5,"openSeconds":30}}"#)
        #expect(doc.etag == #""7""#)
        #expect(doc.cacheControl == "max-age=5")
    }

    @Test func rendersFractionalAndTerminalWeights() {
        let frac = WeightsDocument(status: status(step: 1), policy: policy)
        #expect(String(decoding: frac.body, as: UTF8.self).contains(#""weights":{"openai":87.5,"holysheep":12.5}"#))
        let rolled = WeightsDocument(status: status(step: 1, phase: .rolledBack), policy: policy)
        #expect(String(decoding: rolled.body, as: UTF8.self).contains(#""state":"rolled_back","step":1,"#))
        #expect(String(decoding: rolled.body, as: UTF8.self).contains(#""weights":{"openai":100,"holysheep":0}"#))
    }

    @Test(arguments: [
        (#""7""#, true), (#"W/"7""#, true), ("*", true), (#""3", "7""#, true), (#" "1" ,W/"7" "#, true),
        (#""8""#, false), ("7", false), ("", false), (#""77""#, false),
    ])
    func ifNoneMatch(header: String, matches: Bool) {
        #expect(WeightsDocument(status: status(step: 0), policy: policy).matches(ifNoneMatch: header) == matches)
    }
}

@Suite struct AuthorizerTests {
    @Test(arguments: [("abc", "abc", true), ("abc", "abd", false), ("abc", "abcd", false), ("", "", true), ("a", "", false)])
    func constantTimeEquals(a: String, b: String, equal: Bool) {
        #expect(Authorizer.constantTimeEquals(Array(a.utf8), Array(b.utf8)) == equal)
    }

    @Test func missingWrongAndRightTokens() {
        let auth = Authorizer(adminToken: "adm", ingestToken: "ing")
        #expect(auth.checkAdmin(Fixture.request("POST", "/x"))?.status == 401)
        #expect(auth.checkAdmin(Fixture.request("POST", "/x", headers: [("Authorization", "Basic adm")]))?.status == 401)
        #expect(auth.checkAdmin(Fixture.request("POST", "/x", headers: [("Authorization", "Bearer ing")]))?.status == 403)
        #expect(auth.checkAdmin(Fixture.request("POST", "/x", headers: [("Authorization", "Bearer adm")])) == nil)
        #expect(auth.checkIngest(Fixture.request("POST", "/x", headers: [("Authorization", "bearer ing")])) == nil)
        #expect(auth.checkIngest(Fixture.request("POST", "/x", headers: [("Authorization", "Bearer adm")])) == nil)
        #expect(Authorizer(adminToken: nil, ingestToken: nil).checkAdmin(Fixture.request("POST", "/x")) == nil)
    }
}
