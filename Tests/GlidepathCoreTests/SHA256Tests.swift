import Testing
@testable import GlidepathCore

/// SHA-256 against FIPS 180-2 (appendix B) plus padding edges, HMAC-SHA256 against RFC 4231.
@Suite struct SHA256Tests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var message: [UInt8]
        var digest: String
        var testDescription: String { name }
    }

    static let digests: [Vector] = [
        Vector(name: "empty", message: [], digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Vector(name: "FIPS 180-2 B.1 abc", message: Array("abc".utf8),
               digest: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Vector(name: "FIPS 180-2 B.2 two blocks",
               message: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
               digest: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        Vector(name: "896-bit message",
               message: Array(("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                               + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").utf8),
               digest: "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        Vector(name: "55 bytes (length fits the first block)", message: [UInt8](repeating: 0x61, count: 55),
               digest: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        Vector(name: "56 bytes (length spills into a second block)", message: [UInt8](repeating: 0x61, count: 56),
               digest: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        Vector(name: "64 bytes (exactly one block)", message: [UInt8](repeating: 0x61, count: 64),
               digest: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
    ]

    @Test("SHA-256 digests", arguments: digests)
    func digest(_ v: Vector) {
        #expect(HMACSHA256.hex(SHA256.hash(v.message)) == v.digest)
    }

    @Test("FIPS 180-2 B.3: one million 'a', fed in uneven pieces")
    func millionAs() {
        var s = SHA256()
        let piece = [UInt8](repeating: 0x61, count: 1000)
        for i in 0..<1000 { s.update(piece.prefix(i % 2 == 0 ? 999 : 1000)) }
        s.update([UInt8](repeating: 0x61, count: 500))
        #expect(HMACSHA256.hex(s.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    struct MAC: Sendable, CustomTestStringConvertible {
        var name: String
        var key: [UInt8]
        var data: [UInt8]
        var mac: String
        var testDescription: String { name }
    }

    static let rfc4231: [MAC] = [
        MAC(name: "test case 1", key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8),
            mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        MAC(name: "test case 2 (short key)", key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8),
            mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        MAC(name: "test case 3", key: [UInt8](repeating: 0xaa, count: 20), data: [UInt8](repeating: 0xdd, count: 50),
            mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        MAC(name: "test case 4", key: Array(1...25), data: [UInt8](repeating: 0xcd, count: 50),
            mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        MAC(name: "test case 6 (key longer than a block)", key: [UInt8](repeating: 0xaa, count: 131),
            data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        MAC(name: "test case 7 (key and data longer than a block)", key: [UInt8](repeating: 0xaa, count: 131),
            data: Array(("This is a test using a larger than block-size key and a larger than block-size data. "
                         + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
            mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test("HMAC-SHA256, RFC 4231", arguments: rfc4231)
    func hmac(_ v: MAC) {
        #expect(HMACSHA256.hex(HMACSHA256.mac(key: v.key, message: v.data)) == v.mac)
    }

    @Test func hexIsLowercaseAndPadded() {
        #expect(HMACSHA256.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    }
}
