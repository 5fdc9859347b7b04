/// The `Encoder` `StoreJSONEncoder` hands to `encode(to:)`: its containers write into one `StoreJSONNode`.
struct StoreJSONNodeEncoder: Encoder {
    let node: StoreJSONNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeObject()
        return KeyedEncodingContainer(StoreJSONKeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.becomeArray()
        return StoreJSONUnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        StoreJSONSingleValueContainer(node: node, codingPath: codingPath)
    }
}

struct StoreJSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: StoreJSONNode
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.set(.text("null"), forKey: key.stringValue) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { node.set(.text(value ? "true" : "false"), forKey: key.stringValue) }
    mutating func encode(_ value: String, forKey key: Key) throws { node.set(.text(StoreJSONNode.string(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Double, forKey key: Key) throws { node.set(.text(StoreJSONNode.number(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Float, forKey key: Key) throws { node.set(.text(StoreJSONNode.number(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Int, forKey key: Key) throws { node.set(.text(String(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { node.set(.text(String(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { node.set(.text(String(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { node.set(.text(String(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { node.set(.text(String(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { node.set(.text(String(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { node.set(.text(String(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { node.set(.text(String(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { node.set(.text(String(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { node.set(.text(String(value)), forKey: key.stringValue) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        node.set(try StoreJSONNode.render(value, path: codingPath + [key]), forKey: key.stringValue)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = StoreJSONNode()
        child.becomeObject()
        node.set(.node(child), forKey: key.stringValue)
        return KeyedEncodingContainer(StoreJSONKeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = StoreJSONNode()
        child.becomeArray()
        node.set(.node(child), forKey: key.stringValue)
        return StoreJSONUnkeyedContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let child = StoreJSONNode()
        node.set(.node(child), forKey: "super")
        return StoreJSONNodeEncoder(node: child, codingPath: codingPath + [SuperKey()])
    }

    private struct SuperKey: CodingKey {
        var stringValue: String { "super" }
        var intValue: Int? { nil }
        init() {}
        init?(stringValue: String) { nil }
        init?(intValue: Int) { nil }
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = StoreJSONNode()
        node.set(.node(child), forKey: key.stringValue)
        return StoreJSONNodeEncoder(node: child, codingPath: codingPath + [key])
    }
}

struct StoreJSONUnkeyedContainer: UnkeyedEncodingContainer, StoreJSONScalarSink {
    let node: StoreJSONNode
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    func put(_ text: String) { node.append(.text(text)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        node.append(try StoreJSONNode.render(value, path: codingPath + [IndexKey(node.count)]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = StoreJSONNode()
        child.becomeObject()
        let path = codingPath + [IndexKey(node.count)]
        node.append(.node(child))
        return KeyedEncodingContainer(StoreJSONKeyedContainer<NestedKey>(node: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = StoreJSONNode()
        child.becomeArray()
        let path = codingPath + [IndexKey(node.count)]
        node.append(.node(child))
        return StoreJSONUnkeyedContainer(node: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let child = StoreJSONNode()
        let path = codingPath + [IndexKey(node.count)]
        node.append(.node(child))
        return StoreJSONNodeEncoder(node: child, codingPath: path)
    }

    private struct IndexKey: CodingKey {
        var stringValue: String { "Index \(index)" }
        var intValue: Int? { index }
        let index: Int
        init(_ index: Int) { self.index = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { index = intValue }
    }
}

struct StoreJSONSingleValueContainer: SingleValueEncodingContainer, StoreJSONScalarSink {
    let node: StoreJSONNode
    let codingPath: [any CodingKey]

    func put(_ text: String) { node.set(.text(text)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        node.set(try StoreJSONNode.render(value, path: codingPath))
    }
}

/// The scalar `encode` methods the unkeyed and single-value containers share: each writes its text
/// through `put`.
protocol StoreJSONScalarSink {
    func put(_ text: String)
}

extension StoreJSONScalarSink {
    mutating func encodeNil() throws { put("null") }
    mutating func encode(_ value: Bool) throws { put(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { put(StoreJSONNode.string(value)) }
    mutating func encode(_ value: Double) throws { put(StoreJSONNode.number(value)) }
    mutating func encode(_ value: Float) throws { put(StoreJSONNode.number(value)) }
    mutating func encode(_ value: Int) throws { put(String(value)) }
    mutating func encode(_ value: Int8) throws { put(String(value)) }
    mutating func encode(_ value: Int16) throws { put(String(value)) }
    mutating func encode(_ value: Int32) throws { put(String(value)) }
    mutating func encode(_ value: Int64) throws { put(String(value)) }
    mutating func encode(_ value: UInt) throws { put(String(value)) }
    mutating func encode(_ value: UInt8) throws { put(String(value)) }
    mutating func encode(_ value: UInt16) throws { put(String(value)) }
    mutating func encode(_ value: UInt32) throws { put(String(value)) }
    mutating func encode(_ value: UInt64) throws { put(String(value)) }
}
