import Foundation

/// Encodes and decodes the JSON columns (`judge_state.state`, `decisions.evidence`).
///
/// NaN and ±Inf are written as the strings `"NaN"`, `"+Inf"`, `"-Inf"` (Prometheus spelling), so a
/// judge that computed a ratio over zero never makes a save fail. Keys are sorted so equal values
/// give equal text. Writing goes through `StoreJSONEncoder` (the same text as Foundation's encoder,
/// faster); reading through Foundation's decoder.
struct StoreJSON {
    private let encoder = StoreJSONEncoder()
    private let decoder: JSONDecoder

    init() {
        decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
    }

    func encode<T: Encodable>(_ value: T) throws -> String {
        try encoder.encode(value)
    }

    func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }
}
