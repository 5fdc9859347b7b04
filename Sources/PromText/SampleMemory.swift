/// What the previous sample line leaves for the next: consecutive lines mostly repeat the name, the
/// label names and several label values, so equal bytes reuse the previous String (and its hash)
/// instead of validating, allocating and hashing again. The spans point into the input being parsed.
struct SampleMemory {
    struct Label {
        var nameBytes: UnsafeBufferPointer<UInt8>
        /// The value as written between the quotes (escapes included: equal text is an equal value).
        var rawValue: UnsafeBufferPointer<UInt8>
        var name: String
        var value: String
        var hash: UInt64
        var isLe: Bool
    }

    var nameBytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    var name = ""
    var nameHash: UInt64 = 0
    var labels: [Label] = []
}
