/// One migration as a standby last saw it on its primary: the weights document's exact bytes (served again
/// byte for byte, under the same ETag) and what promotion needs to take the migration over.
package struct FollowedMigration: Hashable, Sendable {
    package var name: String
    package var revision: Int64
    package var phase: Phase
    package var step: Int
    package var baseline: String
    package var candidate: String
    package var candidateWeight: Weight
    package var pollAfterSeconds: Int64
    /// The weights document exactly as the primary served it.
    package var weightsBody: [UInt8]
    /// The primary's `ETag` (`"7"`).
    package var etag: String
    /// The primary's `Cache-Control` (`max-age=5`).
    package var cacheControl: String
    /// The newest decisions the primary listed, as its JSON array text ("" when never read).
    package var decisionsJSON: String
    /// When this was last confirmed by the primary (wall ms since the Unix epoch).
    package var followedAt: Int64

    /// The largest weights document a standby keeps.
    package static let maxWeightsBytes = 64 * 1024
    /// The largest decisions list a standby keeps.
    package static let maxDecisionsBytes = 256 * 1024

    /// Reads a weights document of migration `name`; the ETag and Cache-Control default to what the
    /// primary would send for it when the answer lacked them.
    package static func parse(name: String, body: [UInt8], etag: String?, cacheControl: String?,
                              followedAt: Int64) throws(FollowError) -> FollowedMigration {
        func bad(_ why: String) -> FollowError {
            FollowError(kind: .malformed, message: "the weights document of \(name) \(why)")
        }
        guard body.count <= maxWeightsBytes else {
            throw FollowError(kind: .tooLarge, message: "the weights document of \(name) is \(body.count) bytes; "
                + "at most \(maxWeightsBytes) are kept")
        }
        guard let text = String(validating: body, as: UTF8.self) else { throw bad("is not UTF-8") }
        let doc: JSONValue
        do { doc = try JSONParser.parse(text, maxDepth: 8) } catch { throw bad("is not JSON (\(error))") }
        guard doc.members != nil else { throw bad("is not a JSON object") }
        guard doc["migration"]?.stringValue == name else { throw bad("names another migration") }
        guard let rev = doc["revision"]?.numberText.flatMap({ Int64($0) }), rev >= 1 else {
            throw bad("has no positive integer revision")
        }
        guard let state = doc["state"]?.stringValue, let phase = Phase(rawValue: state) else {
            throw bad("has no known state")
        }
        guard let step = doc["step"]?.integerValue, step >= 0, step <= 1000 else { throw bad("has no step 0...1000") }
        guard let baseline = doc["baseline"]?.stringValue, let candidate = doc["candidate"]?.stringValue,
              !baseline.isEmpty, !candidate.isEmpty, baseline != candidate else {
            throw bad("has no pair of distinct arm names")
        }
        guard let weights = doc["weights"], let c = weights[candidate]?.numberText.flatMap(Weight.init(percentText:)),
              let b = weights[baseline]?.numberText.flatMap(Weight.init(percentText:)),
              b.basisPoints + c.basisPoints == 10_000 else {
            throw bad("has no weights for \(baseline) and \(candidate) summing to 100")
        }
        guard let poll = doc["pollAfterSeconds"]?.numberText.flatMap({ Int64($0) }), poll >= 1, poll <= 86_400 else {
            throw bad("has no pollAfterSeconds 1...86400")
        }
        let expected = "\"\(rev)\""
        if let etag, !etag.isEmpty, etag != expected, etag != "W/" + expected {
            throw bad("came with ETag \(etag), not \(expected) (its revision)")
        }
        return FollowedMigration(name: name, revision: rev, phase: phase, step: step, baseline: baseline,
                                 candidate: candidate, candidateWeight: c, pollAfterSeconds: poll, weightsBody: body,
                                 etag: expected, cacheControl: cacheControl ?? "max-age=\(poll)", decisionsJSON: "",
                                 followedAt: followedAt)
    }
}

/// Why a standby could not follow its primary (this round); what it had stays served.
package struct FollowError: Error, Hashable, Sendable, CustomStringConvertible {
    package enum Kind: String, Hashable, Sendable, CaseIterable {
        /// No answer: refused, timed out, reset.
        case unreachable
        /// An answer with an unexpected HTTP status.
        case httpStatus = "http_status"
        /// An answer that is not what the protocol says.
        case malformed
        /// An answer above the standby's cap.
        case tooLarge = "too_large"
        /// A revision lower than one already followed (the primary's database was replaced?).
        case backwards
        /// The standby's own store failed.
        case store
    }

    package var kind: Kind
    package var message: String

    package init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }
}
