import Foundation
import GlidepathCore
import SQLiteStore
import Testing

/// `StoreJSONEncoder` must write what Foundation's `JSONEncoder` (sorted keys, non-finite numbers as the
/// strings "NaN", "+Inf", "-Inf") writes, byte for byte: stored rows stay comparable across versions and
/// the decoder reads both.
struct StoreJSONEncoderTests {
    private static func foundation<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        return decoder
    }

    @Test(arguments: [0.0, -0.0, 1, -1, 1.5, 0.1, 0.07500000000000001, 18.599999999999998, 1e16, 1e20, 1.5e300,
                      1e-7, 5e-324, 1e9, 999_999_999, -5, 123_456_789_012, 1e15, 4_503_599_627_370_497, 9.007199254740993e15, Double.greatestFiniteMagnitude, -Double.leastNormalMagnitude, 123456.789,
                      .nan, .infinity, -.infinity])
    func doublesAsFoundationWritesThem(_ value: Double) throws {
        let ours = try StoreJSONEncoder().encode(["v": value])
        #expect(ours == (try Self.foundation(["v": value])))
        let back = try Self.decoder().decode([String: Double].self, from: Data(ours.utf8))["v"]!
        #expect(back.bitPattern == value.bitPattern || (back.isNaN && value.isNaN))
    }

    @Test(arguments: ["", "plain", "a/b", "quote\"d", "back\\slash", "line\nbreak\ttab\rret", "\u{01}\u{08}\u{0C}\u{1F}",
                      "\u{7F}", "é ü", "rocket 🚀", "p99.9 > 1.5×", "</script>"])
    func stringsAsFoundationWritesThem(_ value: String) throws {
        let ours = try StoreJSONEncoder().encode([value: [value]])
        #expect(ours == (try Self.foundation([value: [value]])))
        #expect(try Self.decoder().decode([String: [String]].self, from: Data(ours.utf8)) == [value: [value]])
    }

    @Test func integersAtTheirLimits() throws {
        let value = Limits()
        let ours = try StoreJSONEncoder().encode(value)
        #expect(ours == (try Self.foundation(value)))
        #expect(ours == #"{"i":-9223372036854775808,"i32":2147483647,"i8":-5,"u":18446744073709551615,"u8":255}"#)
        #expect(try Self.decoder().decode(Limits.self, from: Data(ours.utf8)) == value)
    }

    @Test func keysSortedNilsLeftOutAndEnumsNested() throws {
        let value = Shapes(byName: ["b": 2, "B": 1, "a10": 10, "a2": 0.5, "é": 3, "_": -1],
                           optional: nil, present: 7, kinds: [.plain, .weighted(3, label: "x"), .nested([1, 2])],
                           empty: [], nested: [[], [[1]]])
        let ours = try StoreJSONEncoder().encode(value)
        #expect(ours == (try Self.foundation(value)))
        #expect(!ours.contains("optional"))
        #expect(ours.hasPrefix(#"{"byName":{"B":1,"_":-1,"a10":10,"a2":0.5,"b":2,"é":3},"empty":[],"#))
        #expect(try Self.decoder().decode(Shapes.self, from: Data(ours.utf8)) == value)
    }

    @Test func aClassHierarchyThroughSuperEncoder() throws {
        let ours = try StoreJSONEncoder().encode(Derived())
        #expect(ours == (try Self.foundation(Derived())))
        #expect(ours == #"{"own":2,"super":{"base":1}}"#)
    }

    /// A judge state as the loop stores it: the same text both ways, and it reads back equal.
    @Test func aStoredJudgeStateIsWrittenTheSameAndReadsBackEqual() throws {
        let stored = try Self.decoder().decode(Stored.self, from: Data(judgeStateSample.utf8))
        #expect(stored.version == 1)
        #expect(stored.judge.memory.sequential != nil)
        #expect(stored.judge.lastVerdict?.evidence.count == 23)
        let ours = try StoreJSONEncoder().encode(stored)
        #expect(ours == (try Self.foundation(stored)))
        #expect(ours.count > 6_000)
        #expect(try Self.decoder().decode(Stored.self, from: Data(ours.utf8)) == stored)
    }

    /// Evidence with non-finite values (a ratio over zero) as decisions store it.
    @Test func evidenceWithNonFiniteValues() throws {
        let evidence = [GuardEvidence(guardName: .errors, test: .ratio, value: .infinity),
                        GuardEvidence(guardName: .errors, test: .candidateRate, value: .nan),
                        GuardEvidence(guardName: .latency, test: .ratio, value: -.infinity)]
        let ours = try StoreJSONEncoder().encode(evidence)
        #expect(ours == (try Self.foundation(evidence)))
        #expect(ours.contains(#""value":"+Inf""#) && ours.contains(#""value":"NaN""#) && ours.contains(#""value":"-Inf""#))
    }

    private struct Stored: Codable, Equatable {
        var version: Int
        var judge: JudgeState
    }

    private struct Limits: Codable, Equatable {
        var i = Int.min
        var u = UInt64.max
        var i8: Int8 = -5
        var u8: UInt8 = 255
        var i32 = Int32.max
    }

    private enum Kind: Codable, Equatable {
        case plain
        case weighted(Int, label: String)
        case nested([Double])
    }

    private struct Shapes: Codable, Equatable {
        var byName: [String: Double]
        var optional: Int?
        var present: Int?
        var kinds: [Kind]
        var empty: [Int]
        var nested: [[[Int]]]
    }

    private class Base: Encodable {
        var base = 1
        private enum CodingKeys: String, CodingKey { case base }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(base, forKey: .base)
        }
    }

    private final class Derived: Base {
        var own = 2
        private enum CodingKeys: String, CodingKey { case own }
        override func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(own, forKey: .own)
            try super.encode(to: c.superEncoder())
        }
    }
}
