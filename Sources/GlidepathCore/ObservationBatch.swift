/// One parsed ingest body, aggregated per arm; merged into the metrics only when every line parsed.
public struct ObservationBatch: Hashable, Sendable {
    /// Number of observation lines.
    public var lines: Int
    /// Per-arm counts (`latency` non-cumulative over `LatencyBuckets`, `latencySum` in seconds).
    public var arms: ArmPair

    public init(lines: Int = 0, arms: ArmPair = .zero) {
        self.lines = lines
        self.arms = arms
    }
}

/// Why an ingest body was refused: the 1-based line (nil for body-level problems) and what is wrong.
public struct ObservationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int?
    public var message: String
    /// Short reason for `glidepath_observations_rejected_total{reason}`: `unknown_arm`, `bad_status`,
    /// `bad_latency`, `bad_field`, `malformed`, `empty`.
    public var reason: String

    public init(line: Int?, message: String, reason: String) {
        self.line = line
        self.message = message
        self.reason = reason
    }

    public var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }
}

/// Parses the ingest line protocol (protocol.md, "Ingest endpoint") without allocating per line.
public enum ObservationParser {
    /// Parses a whole body. All or nothing: the first bad line throws and nothing is returned.
    public static func parse(_ body: UnsafeRawBufferPointer, baseline: String, candidate: String,
                             classifier: StatusClassifier) throws(ObservationError) -> ObservationBatch {
        fatalError("TODO")
    }

    /// Convenience for tests and small bodies.
    public static func parse(_ body: [UInt8], baseline: String, candidate: String,
                             classifier: StatusClassifier) throws(ObservationError) -> ObservationBatch {
        let result = body.withUnsafeBytes { raw in
            Result { () throws(ObservationError) -> ObservationBatch in
                try parse(raw, baseline: baseline, candidate: candidate, classifier: classifier)
            }
        }
        return try result.get()
    }
}
