import GlidepathCore
import GlidepathCLI
import GlidepathServer

/// Commands that need no server: `lint`, `bucket`.
enum LocalCommands {
    static func lint(_ files: [String]) -> Int32 {
        var problems = 0
        for path in files {
            let file = PolicyFile.read(path)
            let lines = file.problemLines
            problems += lines.count
            if lines.isEmpty {
                StandardStreams.write("\(path): ok\n")
            } else {
                for l in lines { StandardStreams.writeError(l + "\n") }
            }
        }
        return problems == 0 ? 0 : 1
    }

    static func bucket(migration: String, key: String) -> Int32 {
        StandardStreams.write("\(Bucketing.bucket(migration: migration, key: key))\n")
        return 0
    }
}

extension LocalCommands {
    /// Prints the shims' conformance vectors: the five from the protocol, then `count` generated ones.
    static func bucketVectors(count: Int) -> Int32 {
        var out = "[\n"
        let vectors = BucketVectors.protocolVectors + BucketVectors.generated(count: count)
        for (i, v) in vectors.enumerated() {
            let hash = Bucketing.hash(migration: v.migration, key: v.key)
            let hex = String(hash, radix: 16)
            out += "  {\"migration\": " + jsonQuoted(v.migration) + ", \"key\": " + jsonQuoted(v.key)
            out += ", \"fnv1a64\": \"0x" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
            out += ", \"bucket\": \(Bucketing.bucket(migration: v.migration, key: v.key))}"
            out += i == vectors.count - 1 ? "\n" : ",\n"
        }
        out += "]\n"
        StandardStreams.write(out)
        return 0
    }
}

/// Deterministic (migration, key) pairs for the cross-language bucketing vectors.
///
/// A fixed-seed SplitMix64 drives the choices, so every run prints the same file. The keys cover the
/// byte sequences shims get wrong: empty, long, digits, spaces, quotes, accents (precomposed and with
/// combining marks, which hash differently: shims must not normalise), CJK and emoji beyond the BMP.
enum BucketVectors {
    static let protocolVectors: [(migration: String, key: String)] = [
        ("chat-completions", "merchant-42"), ("chat-completions", "merchant-43"), ("chat-completions", ""),
        ("image-tagging", "SKU-001"), ("key-rotation", "tenant/α"),
    ]

    static let migrations = ["chat-completions", "image-tagging", "key-rotation", "embeddings", "m",
                             "eu-west:gpt-4o", "Migración-ñ", "迁移", "a b"]
    static let accents: [Character] = ["é", "à", "ü", "ñ", "ç", "ø", "Å", "ß", "œ", "ī"]
    static let combining: [UInt32] = [0x0301, 0x0300, 0x0308, 0x0303, 0x0327, 0x030A, 0x0323]
    static let emoji = ["😀", "🚀", "👍🏽", "👩‍💻", "🇫🇷", "❤️", "🧪", "🐍", "🦀"]

    static func generated(count: Int) -> [(migration: String, key: String)] {
        var state: UInt64 = 0x676c_6964_6570_6174 // "glidepat"
        func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            return Bucketing.mix64(state)
        }
        func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        func scalar(_ lo: UInt32, _ hi: UInt32) -> String {
            String(Character(Unicode.Scalar(lo + UInt32(below(Int(hi - lo + 1))))!))
        }
        let ascii = Array(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\t")
        var result: [(migration: String, key: String)] = []
        result.reserveCapacity(count)
        for i in 0..<count {
            let migration = migrations[below(migrations.count)]
            var key = ""
            switch i % 12 {
            case 0: key = i % 24 == 0 ? "" : "merchant-\(i)"
            case 1: key = String(next() % 10_000_000_000)
            case 2: key = "tenant \(below(1000)) region \(below(50))"
            case 3: for _ in 0..<(1 + below(8)) { key.append(accents[below(accents.count)]); key += "x" }
            case 4: // decomposed: a base letter followed by one or two combining marks
                for _ in 0..<(1 + below(5)) {
                    key += String(Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(below(26)))))
                    for _ in 0..<(1 + below(2)) { key.unicodeScalars.append(Unicode.Scalar(combining[below(combining.count)])!) }
                }
            case 5: for _ in 0..<(1 + below(10)) { key += scalar(0x4E00, 0x9FFF) }
            case 6: key = "user-" + (0..<(1 + below(4))).map { _ in emoji[below(emoji.count)] }.joined()
            case 7: for _ in 0..<(1 + below(6)) { key += scalar(0x1F300, 0x1F64F) }
            case 8: for _ in 0..<(200 + below(800)) { key.append(ascii[below(ascii.count)]) }
            case 9: for _ in 0..<(1 + below(30)) { key.append(ascii[below(ascii.count)]) }
            case 10: key = "k\(i)/" + scalar(0x0100, 0x024F) + scalar(0x0370, 0x03FF) + scalar(0x0400, 0x04FF) + " " + scalar(0xAC00, 0xD7A3)
            default:
                for _ in 0..<(100 + below(400)) {
                    switch below(4) {
                    case 0: key.append(ascii[below(ascii.count)])
                    case 1: key.append(accents[below(accents.count)])
                    case 2: key += scalar(0x4E00, 0x9FFF)
                    default: key += emoji[below(emoji.count)]
                    }
                }
            }
            result.append((migration, key))
        }
        return result
    }
}
