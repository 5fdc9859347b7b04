extension GlidepathShim {
    /// The local breaker's settings: after `consecutiveErrors` consecutive candidate errors, `route`
    /// answers the baseline for `openSeconds`. The controller publishes them in the weights document's
    /// `breaker` (the policy's top-level `breaker`).
    public struct BreakerSettings: Sendable, Equatable, CustomStringConvertible {
        /// Consecutive candidate errors that open the breaker (the controller sends 1...1000).
        public var consecutiveErrors: Int
        /// How long it stays open, in seconds (the controller sends whole seconds 1...3600).
        public var openSeconds: Double

        /// `{"consecutiveErrors": 5, "openSeconds": 30}`, the protocol's default.
        public static let `default` = BreakerSettings(consecutiveErrors: 5, openSeconds: 30)

        public init(consecutiveErrors: Int, openSeconds: Double) {
            self.consecutiveErrors = consecutiveErrors
            self.openSeconds = openSeconds
        }

        public var description: String { "\(consecutiveErrors) consecutive errors, open \(openSeconds) s" }
    }
}
