/// Why an ingest body was refused: the 1-based line (nil for body-level problems) and what is wrong.
package struct ObservationError: Error, Hashable, Sendable, CustomStringConvertible {
    package var line: Int?
    package var message: String
    /// Short reason for `glidepath_observations_rejected_total{reason}`: `unknown_arm`, `bad_status`,
    /// `bad_latency`, `bad_field`, `malformed`, `empty`.
    package var reason: String

    package init(line: Int?, message: String, reason: String) {
        self.line = line
        self.message = message
        self.reason = reason
    }

    package var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }

    /// Every `reason` the parser produces, for pre-declaring the rejection counter's series.
    package static let reasons = ["bad_field", "bad_latency", "bad_status", "empty", "malformed", "unknown_arm"]
}
