import Foundation
import GlidepathCore
import GlidepathServer
import GlidepathShim
import Testing

/// The committed cross-language vectors agree with both Swift implementations.
struct VectorsFileTests {
    struct Vector: Decodable {
        var migration: String
        var key: String
        var fnv1a64: String
        var bucket: Int
    }

    static func load() throws -> [Vector] {
        // Tests/GlidepathShimTests/VectorsFileTests.swift → the package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("shims/vectors/bucketing.json"))
        return try JSONDecoder().decode([Vector].self, from: data)
    }

    static func hex(_ h: UInt64) -> String {
        let digits = String(h, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }

    @Test func fileHasAtLeast5005EntriesWithTheProtocolVectorsFirst() throws {
        let vectors = try Self.load()
        #expect(vectors.count >= 5005)
        let head = vectors.prefix(5).map { "\($0.migration)|\($0.key)|\($0.fnv1a64)|\($0.bucket)" }
        #expect(head == [
            "chat-completions|merchant-42|0xffb8e95683a2ddd6|2724",
            "chat-completions|merchant-43|0xffb8ea5683a2df89|3230",
            "chat-completions||0x0c30b6358c291fe1|9639",
            "image-tagging|SKU-001|0xb4203ad5d86f733d|9782",
            "key-rotation|tenant/α|0x652f9ca7e851e2a3|2778",
        ])
        #expect(vectors.contains { $0.key.isEmpty })
        #expect(vectors.contains { $0.key.utf8.count > 1000 })
        #expect(vectors.contains { $0.key.unicodeScalars.contains { $0.value >= 0x1F300 } })
        #expect(vectors.contains { $0.key.unicodeScalars.contains { $0.value == 0x0301 } })
    }

    @Test func everyVectorMatchesCoreAndShim() throws {
        var mismatches: [String] = []
        for v in try Self.load() {
            let core = Bucketing.hash(migration: v.migration, key: v.key)
            let shim = ShimBucketing.fnv1a64(migration: v.migration, key: v.key)
            if Self.hex(core) != v.fnv1a64 || Self.hex(shim) != v.fnv1a64
                || Bucketing.bucket(migration: v.migration, key: v.key) != v.bucket
                || ShimBucketing.bucket(migration: v.migration, key: v.key) != v.bucket {
                mismatches.append(jsonQuoted(v.migration) + " " + jsonQuoted(v.key))
            }
        }
        #expect(mismatches == [])
    }
}
