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

    /// Every `reason` the parser produces, for pre-declaring the rejection counter's series.
    public static let reasons = ["bad_field", "bad_latency", "bad_status", "empty", "malformed", "unknown_arm"]
}
