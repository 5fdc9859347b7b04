/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator used to expand one 64-bit seed into the state of
/// `Xoshiro256`, and to mix several numbers into one seed.
///
/// The simulator uses no Foundation or system randomness: every run is a pure function of its seed,
/// whatever the platform or the number of threads.
package struct SplitMix64: Sendable {
    package private(set) var state: UInt64

    package init(seed: UInt64) { state = seed }

    /// The next 64-bit output.
    @inline(__always)
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One well-mixed 64-bit value from several parts (seed, scenario, rate, run index): each part is
    /// folded in through a SplitMix64 step, so nearby inputs give unrelated outputs.
    package static func mix(_ parts: [UInt64]) -> UInt64 {
        var g = SplitMix64(seed: 0x6A09_E667_F3BC_C908)
        var h: UInt64 = 0
        for p in parts {
            g = SplitMix64(seed: g.next() ^ p)
            h = g.next()
        }
        return h
    }

    /// FNV-1a of a string's UTF-8 bytes: a stable hash (Swift's `Hasher` is seeded per process).
    package static func stableHash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        return h
    }
}
