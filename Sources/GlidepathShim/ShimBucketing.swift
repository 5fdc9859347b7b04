/// Sticky bucketing, bit for bit as protocol.md ("Sticky bucketing") defines it; that document is the
/// contract. A copy of GlidepathCore's `Bucketing` so applications can embed this module alone; the
/// test suite pins both to the same vectors file (shims/vectors/bucketing.json).
public enum ShimBucketing {
    /// Number of buckets: one per basis point of weight.
    public static let bucketCount: UInt64 = 10_000

    /// FNV-1a 64 of `utf8(migration + ":" + key)`.
    @inlinable
    public static func fnv1a64(migration: String, key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in migration.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ UInt64(UInt8(ascii: ":"))) &* 0x0000_0100_0000_01b3
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    /// FNV-1a 64 state after `utf8(migration + ":")`: routing hashes only the key per request.
    @inlinable
    public static func prefixHash(migration: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in migration.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return (hash ^ UInt64(UInt8(ascii: ":"))) &* 0x0000_0100_0000_01b3
    }

    /// `bucket(migration:key:)` given `prefixHash(migration:)`.
    @inlinable
    public static func bucket(prefixHash: UInt64, key: String) -> Int {
        var hash = prefixHash
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int(mix64(hash) % bucketCount)
    }

    /// SplitMix64's finaliser: FNV alone spreads similar keys poorly over the low digits.
    @inlinable
    public static func mix64(_ z: UInt64) -> UInt64 {
        var z = z
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// `mix64(fnv1a64(utf8(migration + ":" + key))) mod 10000`.
    @inlinable
    public static func bucket(migration: String, key: String) -> Int {
        Int(mix64(fnv1a64(migration: migration, key: key)) % bucketCount)
    }
}
