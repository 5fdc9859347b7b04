extension GlidepathShim {
    /// Which outcome statuses count as errors for the breaker and the fallback: the policy's error
    /// statuses, as the controller publishes them in the weights document's `errorStatuses`.
    ///
    /// A status is an error iff it equals one of the listed statuses or falls in one of the listed
    /// classes. Before any document (or from a controller that does not send the member) the shim uses
    /// `ErrorStatuses.default`: no response (0), 429 and 5xx.
    public struct ErrorStatuses: Sendable, Equatable, CustomStringConvertible {
        /// One entry of the list.
        public enum Pattern: Sendable, Equatable {
            /// One status: 0 (no response) or 100...599. Written as a JSON number.
            case status(Int)
            /// A class by its hundreds digit 1...5: `.statusClass(5)` is `"5xx"`.
            case statusClass(Int)
        }

        /// The entries as the controller listed them (duplicates and overlaps are harmless).
        public let patterns: [Pattern]
        /// Bit `s` set when status `s` (0...599) is an error: one lookup per recorded outcome.
        private let bits: [UInt64]

        /// `[0, 429, "5xx"]`, the protocol's default.
        public static let `default` = ErrorStatuses([.status(0), .status(429), .statusClass(5)])

        /// Entries outside 0, 100...599 and classes outside 1...5 match nothing.
        public init(_ patterns: [Pattern]) {
            self.patterns = patterns
            var bits = [UInt64](repeating: 0, count: 10)
            func set(_ s: Int) { bits[s >> 6] |= 1 << UInt64(s & 63) }
            for p in patterns {
                switch p {
                case .status(let s) where s == 0 || (100...599).contains(s): set(s)
                case .statusClass(let c) where (1...5).contains(c): for s in c * 100...c * 100 + 99 { set(s) }
                default: break
                }
            }
            self.bits = bits
        }

        /// Whether `status` counts as an error.
        public func contains(_ status: Int) -> Bool {
            guard (0...599).contains(status) else { return false }
            return bits[status >> 6] & (1 << UInt64(status & 63)) != 0
        }

        /// The list as JSON, e.g. `[0,401,403,429,"5xx"]`.
        public var description: String {
            "[" + patterns.map { p in
                switch p {
                case .status(let s): String(s)
                case .statusClass(let c): "\"\(c)xx\""
                }
            }.joined(separator: ",") + "]"
        }

        public static func == (a: ErrorStatuses, b: ErrorStatuses) -> Bool { a.patterns == b.patterns }
    }
}
