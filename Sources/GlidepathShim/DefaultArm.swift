/// Where requests go before the shim has ever seen weights.
public enum DefaultArm: Sendable, Equatable, ExpressibleByStringLiteral {
    /// The configured `Configuration.baseline` (the protocol's default).
    case baseline
    /// An arm by name.
    case named(String)

    public init(stringLiteral value: String) { self = .named(value) }
}
