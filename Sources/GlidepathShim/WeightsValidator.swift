import Foundation

/// Why a weights document was not used.
public struct WeightsRejection: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Checks a `GET /v1/migrations/{m}/weights` body before the shim routes by it.
///
/// `errorStatuses`, `breaker`, `mirror` and `overrides` are optional (an older controller does not send them:
/// the defaults apply, no mirroring, no override rules), but when present they must be well-formed, else the
/// whole document is refused.
///
/// Anything doubtful is refused: the shim then keeps its last good weights (fail static), which is
/// always safer than routing by a document it does not understand.
public enum WeightsValidator {
    struct Document: Decodable {
        var migration: String
        var revision: Int
        var state: String?
        var baseline: String
        var candidate: String
        var weights: [String: Double]
        var pollAfterSeconds: Double?
    }

    /// The expectations come from the configuration (`baseline`, `candidate` when configured) and the
    /// last accepted snapshot (the revision must not go backwards).
    public static func validate(_ body: Data, etag: String?, migration: String, baseline: String?, candidate: String?,
                                previous: WeightsSnapshot?) -> Result<WeightsSnapshot, WeightsRejection> {
        let doc: Document
        do {
            doc = try JSONDecoder().decode(Document.self, from: body)
        } catch {
            let start = String(decoding: body.prefix(60), as: UTF8.self)
            return .failure(WeightsRejection("not a weights document (\(body.count) bytes starting \(start.debugDescription))"))
        }
        if doc.migration != migration {
            return .failure(WeightsRejection("document is for migration \"\(doc.migration)\", not \"\(migration)\""))
        }
        if doc.baseline == doc.candidate || doc.baseline.isEmpty || doc.candidate.isEmpty {
            return .failure(WeightsRejection("needs two distinct arms, got baseline \"\(doc.baseline)\" and candidate \"\(doc.candidate)\""))
        }
        if let baseline, doc.baseline != baseline {
            return .failure(WeightsRejection("unknown baseline arm \"\(doc.baseline)\" (configured \"\(baseline)\")"))
        }
        if let candidate, doc.candidate != candidate {
            return .failure(WeightsRejection("unknown candidate arm \"\(doc.candidate)\" (configured \"\(candidate)\")"))
        }
        let names = doc.weights.keys.sorted()
        guard names == [doc.baseline, doc.candidate].sorted() else {
            return .failure(WeightsRejection("weights name \(names) but the arms are \"\(doc.baseline)\" and \"\(doc.candidate)\""))
        }
        let b = doc.weights[doc.baseline] ?? .nan
        let c = doc.weights[doc.candidate] ?? .nan
        guard b.isFinite, c.isFinite, (0...100).contains(b), (0...100).contains(c) else {
            return .failure(WeightsRejection("weights must be within 0...100, got \(doc.baseline)=\(b) \(doc.candidate)=\(c)"))
        }
        guard abs(b + c - 100) <= 0.01 else {
            return .failure(WeightsRejection("weights sum to \(b + c), not 100"))
        }
        let members: PolicyMembers
        do {
            members = try JSONDecoder().decode(PolicyMembers.self, from: body)
        } catch {
            return .failure(WeightsRejection("not a weights document: \(error)"))
        }
        if let problem = members.problem { return .failure(WeightsRejection(problem)) }
        let mirror: MirrorMember
        do {
            mirror = try JSONDecoder().decode(MirrorMember.self, from: body)
        } catch {
            return .failure(WeightsRejection("not a weights document: \(error)"))
        }
        if let problem = mirror.problem { return .failure(WeightsRejection(problem)) }
        let overrides: [GlidepathShim.OverrideRule]
        switch OverrideRulesReader.read(body) {
        case .success(let rules): overrides = rules
        case .failure(let rejection): return .failure(rejection)
        }
        if let previous, doc.revision < previous.revision {
            return .failure(WeightsRejection("revision \(doc.revision) is older than the current \(previous.revision)"))
        }
        var poll = doc.pollAfterSeconds ?? previous?.pollAfterSeconds ?? 5
        if !poll.isFinite || poll <= 0 { poll = 5 }
        return .success(WeightsSnapshot(revision: doc.revision, baseline: doc.baseline, candidate: doc.candidate,
                                        candidateBasisPoints: Int((c * 100).rounded()), state: doc.state ?? "",
                                        pollAfterSeconds: min(poll, 3600), etag: etag,
                                        errorStatuses: members.errorStatuses ?? .default, breaker: members.breaker,
                                        mirrorBasisPoints: mirror.basisPoints, overrides: overrides))
    }
}
