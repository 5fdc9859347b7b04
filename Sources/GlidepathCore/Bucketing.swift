/// Sticky bucketing shared bit for bit by every shim (protocol.md, "Sticky bucketing").
public enum Bucketing {
    /// FNV-1a 64 over bytes.
    public static func fnv1a64<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        fatalError("TODO")
    }

    /// SplitMix64's finaliser.
    public static func mix64(_ z: UInt64) -> UInt64 {
        fatalError("TODO")
    }

    /// `mix64(fnv1a64(utf8(migration + ":" + key))) mod 10000`.
    public static func bucket(migration: String, key: String) -> Int {
        fatalError("TODO")
    }

    /// True when `bucket` routes to the candidate at `candidateWeight`.
    public static func routesToCandidate(bucket: Int, candidateWeight: Weight) -> Bool {
        bucket < candidateWeight.basisPoints
    }
}
