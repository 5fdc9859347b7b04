import GlidepathCore

/// The exact bytes the weights endpoint serves for one migration at one revision, rendered once per change
/// so the hot path is a dictionary look-up.
public struct WeightsDocument: Sendable {
    public var revision: Int64
    public var body: [UInt8]
    /// `"7"`: the revision, quoted.
    public var etag: String
    /// `max-age=5`.
    public var cacheControl: String

    public init(status: MigrationStatus, policy: Policy) {
        let w = status.candidateWeight(policy)
        let poll = max(1, policy.pollAfter.milliseconds / 1000)
        var json = "{\"migration\":"
        appendJSONQuoted(status.migration, to: &json)
        json += ",\"revision\":\(status.revision),\"state\":\"\(status.phase.rawValue)\",\"step\":\(status.step),\"baseline\":"
        appendJSONQuoted(policy.baseline, to: &json)
        json += ",\"candidate\":"
        appendJSONQuoted(policy.candidate, to: &json)
        json += ",\"weights\":{"
        appendJSONQuoted(policy.baseline, to: &json)
        json += ":\(w.complement.description),"
        appendJSONQuoted(policy.candidate, to: &json)
        json += ":\(w.description)},\"pollAfterSeconds\":\(poll)}"
        revision = status.revision
        body = Array(json.utf8)
        etag = "\"\(status.revision)\""
        cacheControl = "max-age=\(poll)"
    }

    /// True when an `If-None-Match` value names this document: `*`, `"7"`, `W/"7"`, or a list holding one.
    public func matches(ifNoneMatch header: String) -> Bool {
        for part in header.split(separator: ",") {
            var tag = part.trimmingSpaces()
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag.elementsEqual(etag) { return true }
        }
        return false
    }
}

/// What the hot endpoints (weights, ingest) need about one migration, swapped as a whole at every change.
public struct ServedMigration: Sendable {
    public var weights: WeightsDocument
    public var baseline: String
    public var candidate: String
    public var classifier: StatusClassifier
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
