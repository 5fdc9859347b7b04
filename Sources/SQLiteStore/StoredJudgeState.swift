import GlidepathCore

/// The versioned encoding of `judge_state.state`: `{"version": 1, "judge": {...}}`.
///
/// Rows written before versioning hold the bare `JudgeState` object (read as version 0, the same shape).
/// A version newer than this build knows is reported, not guessed at: the migration loads as broken.
struct StoredJudgeState: Codable {
    /// The encoding this build writes.
    static let currentVersion = 1

    var version: Int
    var judge: JudgeState

    private struct Header: Decodable { var version: Int? }

    static func encode(_ judge: JudgeState, json: StoreJSON) throws -> String {
        try json.encode(StoredJudgeState(version: currentVersion, judge: judge))
    }

    /// The judge state, or why it cannot be read.
    static func decode(_ text: String, json: StoreJSON) -> Result<JudgeState, DecodeFailure> {
        do {
            let header = try json.decode(Header.self, from: text)
            switch header.version {
            case nil: return .success(try json.decode(JudgeState.self, from: text))
            case currentVersion?: return .success(try json.decode(StoredJudgeState.self, from: text).judge)
            case let v?:
                return .failure(DecodeFailure(message: "encoding version \(v) is newer than this build reads "
                    + "(\(currentVersion))"))
            }
        } catch {
            return .failure(DecodeFailure(message: "\(error)"))
        }
    }

    struct DecodeFailure: Error { var message: String }
}
