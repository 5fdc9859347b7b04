import Testing
@testable import GlidepathCore

struct BucketingVector: Sendable, CustomTestStringConvertible {
    var migration: String
    var key: String
    var fnv: UInt64
    var bucket: Int
    var testDescription: String { "\(migration):\(key)" }
}

/// The wire contract's vectors: every shim must produce exactly these.
let bucketingVectors: [BucketingVector] = [
    .init(migration: "chat-completions", key: "merchant-42", fnv: 0xffb8_e956_83a2_ddd6, bucket: 2724),
    .init(migration: "chat-completions", key: "merchant-43", fnv: 0xffb8_ea56_83a2_df89, bucket: 3230),
    .init(migration: "chat-completions", key: "", fnv: 0x0c30_b635_8c29_1fe1, bucket: 9639),
    .init(migration: "image-tagging", key: "SKU-001", fnv: 0xb420_3ad5_d86f_733d, bucket: 9782),
    .init(migration: "key-rotation", key: "tenant/α", fnv: 0x652f_9ca7_e851_e2a3, bucket: 2778),
]

@Suite struct BucketingTests {
    @Test(arguments: bucketingVectors)
    func vectorMatchesContract(_ v: BucketingVector) {
        #expect(Bucketing.hash(migration: v.migration, key: v.key) == v.fnv)
        #expect(Bucketing.fnv1a64(Array("\(v.migration):\(v.key)".utf8)) == v.fnv)
        #expect(Bucketing.bucket(migration: v.migration, key: v.key) == v.bucket)
    }

    @Test func emptyInputIsTheOffsetBasis() {
        #expect(Bucketing.fnv1a64([UInt8]()) == 0xcbf2_9ce4_8422_2325)
        #expect(Bucketing.mix64(0) == 0)
    }

    @Test func routingIsStickyAsWeightGrows() {
        #expect(!Bucketing.routesToCandidate(bucket: 2724, candidateWeight: Weight(basisPoints: 2724)))
        #expect(Bucketing.routesToCandidate(bucket: 2724, candidateWeight: Weight(basisPoints: 2725)))
        #expect(Bucketing.routesToCandidate(bucket: 9999, candidateWeight: .full))
        #expect(!Bucketing.routesToCandidate(bucket: 0, candidateWeight: .zero))
    }
}
