import Foundation
import Testing
@testable import GlidepathShim

/// shims/vectors/weights-documents.json (shared by the three shims): which documents are accepted,
/// which member a refusal names, the breaker in force and the error verdict for every listed status.
struct WeightsDocumentVectorsTests {
    /// Any JSON value, re-encoded as read (booleans stay booleans, 401.5 stays a fraction).
    enum JSON: Codable, Sendable {
        case null, bool(Bool), int(Int), double(Double), string(String), array([JSON]), object([(String, JSON)])

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            if let o = try? decoder.container(keyedBy: Key.self) {
                self = .object(try o.allKeys.map { ($0.stringValue, try o.decode(JSON.self, forKey: $0)) })
            } else if var a = try? decoder.unkeyedContainer() {
                var items: [JSON] = []
                while !a.isAtEnd { items.append(try a.decode(JSON.self)) }
                self = .array(items)
            } else {
                let c = try decoder.singleValueContainer()
                if c.decodeNil() { self = .null }
                else if let b = try? c.decode(Bool.self) { self = .bool(b) }
                else if let i = try? c.decode(Int.self) { self = .int(i) }
                else if let d = try? c.decode(Double.self) { self = .double(d) }
                else { self = .string(try c.decode(String.self)) }
            }
        }

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .object(let members):
                var o = encoder.container(keyedBy: Key.self)
                for (k, v) in members { try o.encode(v, forKey: Key(stringValue: k)) }
            case .array(let items):
                var a = encoder.unkeyedContainer()
                for v in items { try a.encode(v) }
            case .null: var c = encoder.singleValueContainer(); try c.encodeNil()
            case .bool(let b): var c = encoder.singleValueContainer(); try c.encode(b)
            case .int(let i): var c = encoder.singleValueContainer(); try c.encode(i)
            case .double(let d): var c = encoder.singleValueContainer(); try c.encode(d)
            case .string(let s): var c = encoder.singleValueContainer(); try c.encode(s)
            }
        }
    }

    struct Breaker: Codable, Sendable, Equatable {
        var consecutiveErrors: Int
        var openSeconds: Int
    }

    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var document: JSON
        var valid: Bool
        var breaker: Breaker?
        var isError: [String: Bool]?
        var member: String?
        /// The effective mirror percentage of a valid case (issue 11); nil in cases that predate it.
        var mirror: Double?
        var testDescription: String { name }
        var body: Data { (try? JSONEncoder().encode(document)) ?? Data() }
    }

    struct File: Decodable, Sendable {
        struct Defaults: Decodable, Sendable {
            var errorStatuses: JSON
            var breaker: Breaker
        }
        var defaults: Defaults
        var statuses: [Int]
        var cases: [Case]
        var mirrorDecisions: MirrorDecisions
    }

    /// `mirrorDecisions`: bucket, weight and mirror → the serving arm's role and whether it is mirrored.
    struct MirrorDecisions: Decodable, Sendable {
        struct Row: Decodable, Sendable, CustomTestStringConvertible {
            var key: String
            var bucket: Int
            var weight: Double
            var mirror: Double
            var arm: String
            var mirrored: Bool
            var testDescription: String { "\(key) (bucket \(bucket)) at \(weight) %, mirror \(mirror) %" }
        }
        var migration: String
        var cases: [Row]
    }

    static let file: File = {
        // Tests/GlidepathShimTests/<this file> → the package root, like VectorsFileTests.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        do {
            let data = try Data(contentsOf: root.appendingPathComponent("shims/vectors/weights-documents.json"))
            return try JSONDecoder().decode(File.self, from: data)
        } catch {
            fatalError("shims/vectors/weights-documents.json: \(error)")
        }
    }()

    static func validate(_ c: Case) -> Result<WeightsSnapshot, WeightsRejection> {
        WeightsValidator.validate(c.body, etag: nil, migration: "key-rotation", baseline: nil, candidate: nil, previous: nil)
    }

    @Test func theFileCoversValidMissingAndMalformedMembersAndItsDefaultsAreTheShims() throws {
        let f = Self.file
        #expect(f.cases.count >= 40)
        #expect(f.cases.contains { $0.valid } && f.cases.contains { !$0.valid && $0.member == "errorStatuses" }
            && f.cases.contains { !$0.valid && $0.member == "breaker" })
        #expect(f.statuses.contains(0) && f.statuses.contains(401) && f.statuses.contains(599))
        let defaults = try #require(String(data: JSONEncoder().encode(f.defaults.errorStatuses), encoding: .utf8))
        #expect(defaults == GlidepathShim.ErrorStatuses.default.description)
        #expect(GlidepathShim.BreakerSettings(consecutiveErrors: f.defaults.breaker.consecutiveErrors,
                                              openSeconds: Double(f.defaults.breaker.openSeconds)) == .default)
    }

    @Test(arguments: file.cases)
    func validatorAgrees(with c: Case) throws {
        switch Self.validate(c) {
        case .failure(let rejection):
            #expect(!c.valid, "refused: \(rejection.message)")
            if let member = c.member { #expect(rejection.message.hasPrefix(member), "\(rejection.message)") }
        case .success(let snapshot):
            #expect(c.valid)
            let breaker = snapshot.breaker ?? .default
            #expect(Breaker(consecutiveErrors: breaker.consecutiveErrors, openSeconds: Int(breaker.openSeconds)) == c.breaker)
            let verdicts = Dictionary(uniqueKeysWithValues: Self.file.statuses.map { (String($0), snapshot.errorStatuses.contains($0)) })
            #expect(verdicts == c.isError)
            #expect(snapshot.mirrorBasisPoints == Int(((c.mirror ?? 0) * 100).rounded()))
        }
    }

    /// The same through a shim polling a fake controller: a valid case is taken (the breaker in force and
    /// the error test follow it); an invalid one keeps the last good document's statuses and breaker.
    @Test(arguments: file.cases)
    func theShimFollowsValidDocumentsAndKeepsTheLastGoodOneOtherwise(_ c: Case) async throws {
        let lastGood = #"{"migration":"key-rotation","revision":2,"state":"ramping","step":0,"baseline":"key-old","#
            + #""candidate":"key-new","weights":{"key-old":90,"key-new":10},"pollAfterSeconds":5,"#
            + #""errorStatuses":[418],"breaker":{"consecutiveErrors":9,"openSeconds":99}}"#
        let fake = FakeController { _ in ShimResponse(status: 200, body: Data(lastGood.utf8)) }
        let shim = try makeShim(fake) { $0.migration = "key-rotation"; $0.baseline = "key-old"; $0.candidate = "key-new" }
        #expect(await shim.refresh() == .updated(revision: 2))
        fake.answer { _ in ShimResponse(status: 200, body: c.body) }
        let outcome = await shim.refresh()
        let verdicts = Dictionary(uniqueKeysWithValues: Self.file.statuses.map { (String($0), shim.errorStatuses.contains($0)) })
        let breaker = try #require(shim.breakerSettings)
        if c.valid {
            #expect(outcome == .updated(revision: 3))
            #expect(verdicts == c.isError)
            #expect(Breaker(consecutiveErrors: breaker.consecutiveErrors, openSeconds: Int(breaker.openSeconds)) == c.breaker)
        } else {
            guard case .rejected = outcome else { Issue.record("\(outcome)"); return }
            #expect(shim.weights?.revision == 2)
            #expect(shim.errorStatuses == .init([.status(418)]))
            #expect(breaker == .init(consecutiveErrors: 9, openSeconds: 99))
        }
    }

    @Test(arguments: [
        (#""errorStatuses":[0,600]"#, "errorStatuses[1] is 600: a status is 0 or 100...599"),
        (#""errorStatuses":["5XX"]"#, #"errorStatuses[0] is "5XX": a class is "1xx"..."5xx" (lower-case x)"#),
        (#""errorStatuses":[0,"401"]"#, #"errorStatuses[1] is "401": write a status as a number, 401"#),
        (#""errorStatuses":[0,true]"#, "errorStatuses[1] is neither a status number nor a class string"),
        (#""errorStatuses":[]"#, "errorStatuses is empty: it must list at least one status or class"),
        (#""errorStatuses":null"#, #"errorStatuses must be an array of statuses (0 or 100...599) and classes ("1xx"..."5xx")"#),
        (#""breaker":{"consecutiveErrors":0,"openSeconds":30}"#, "breaker.consecutiveErrors is 0, not within 1...1000"),
        (#""breaker":{"consecutiveErrors":5,"openSeconds":1.5}"#, "breaker.openSeconds must be an integer 1...3600"),
        (#""breaker":{"consecutiveErrors":5}"#, "breaker.openSeconds is missing (an integer 1...3600)"),
        (#""breaker":[5,30]"#, #"breaker must be an object {"consecutiveErrors": 1...1000, "openSeconds": 1...3600}"#),
    ])
    func refusalsNameTheMemberAndWhatIsWrong(members: String, message: String) {
        let doc = #"{"migration":"m","revision":1,"baseline":"a","candidate":"b","weights":{"a":100,"b":0},"#
            + members + "}"
        let result = WeightsValidator.validate(Data(doc.utf8), etag: nil, migration: "m", baseline: nil, candidate: nil, previous: nil)
        #expect(throws: WeightsRejection(message)) { try result.get() }
    }
}
