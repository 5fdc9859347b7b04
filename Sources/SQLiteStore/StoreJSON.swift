import Foundation

/// Encodes and decodes the JSON columns (`judge_state.state`, `decisions.evidence`).
///
/// NaN and ±Inf are written as the strings `"NaN"`, `"+Inf"`, `"-Inf"` (Prometheus spelling), so a
/// judge that computed a ratio over zero never makes a save fail. Keys are sorted so equal values
/// give equal text.
struct StoreJSON {
    private let encoder: JSONEncoder
    private let decoder: JSONDecoder

    init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
    }

    func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }
}
