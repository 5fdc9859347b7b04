/// The hashes behind the parser's duplicate-series check: FNV-1a over bytes, finished by the splitmix64
/// mixer so that pair hashes can be summed (a sum does not depend on the order labels are written in).
/// A hash only finds candidates: a series counts as a duplicate only after a full comparison.
enum SeriesHash {
    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325

    @inline(__always) static func byte(_ byte: UInt8, into hash: UInt64) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    @inline(__always) static func bytes<C: Collection<UInt8>>(_ bytes: C, into hash: UInt64) -> UInt64 {
        var hash = hash
        for b in bytes { hash = byte(b, into: hash) }
        return hash
    }

    @inline(__always) static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
