/// Sticky bucketing shared bit for bit by every shim (protocol.md, "Sticky bucketing").
///
/// A request key maps to one of 10,000 buckets; the candidate gets the buckets below its weight in
/// basis points, so a key that is on the candidate stays there as the weight grows.
package enum Bucketing {
    /// Number of buckets: one per basis point of weight.
    package static let bucketCount: UInt64 = 10_000

    /// FNV-1a 64 over bytes: offset `0xcbf29ce484222325`, prime `0x100000001b3`, xor then multiply.
    package static func fnv1a64<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        fnv1a64(bytes, continuing: fnvOffsetBasis)
    }

    static let fnvOffsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    /// FNV-1a 64 of `bytes` appended to the text whose hash is `hash`.
    static func fnv1a64<S: Sequence>(_ bytes: S, continuing hash: UInt64) -> UInt64 where S.Element == UInt8 {
        var hash = hash
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// SplitMix64's finaliser; FNV alone spreads similar keys poorly over the low digits.
    package static func mix64(_ z: UInt64) -> UInt64 {
        var z = z
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The hashed text is `migration + ":" + key` in UTF-8.
    package static func hash(migration: String, key: String) -> UInt64 {
        let prefix = fnv1a64(CollectionOfOne(UInt8(ascii: ":")), continuing: fnv1a64(migration.utf8))
        return fnv1a64(key.utf8, continuing: prefix)
    }

    /// `mix64(fnv1a64(utf8(migration + ":" + key))) mod 10000`.
    package static func bucket(migration: String, key: String) -> Int {
        Int(mix64(hash(migration: migration, key: key)) % bucketCount)
    }

    /// True when `bucket` routes to the candidate at `candidateWeight`.
    package static func routesToCandidate(bucket: Int, candidateWeight: Weight) -> Bool {
        bucket < candidateWeight.basisPoints
    }
}
