import Foundation

/// Logs refused observation batches without letting a misbehaving client flood the log: at most one
/// `rejected_batch` line per (migration, reason) every `every` milliseconds, saying how many more were
/// refused meanwhile. The counter `glidepath_observations_rejected_total` still counts every one.
///
/// Memory is bounded: a name the server does not know is logged under one key (clients choose those
/// names), and at most `maxKeys` keys are remembered.
package final class RejectedBatchLog: @unchecked Sendable {
    private let lock = NSLock()
    private var last: [String: (at: Int64, suppressed: Int)] = [:]
    private let every: Int64
    private let maxKeys: Int
    private let sink: @Sendable (_ message: String, _ fields: [(String, JSON)]) -> Void

    package init(every milliseconds: Int64 = 10_000, maxKeys: Int = 1_024,
                 sink: @escaping @Sendable (String, [(String, JSON)]) -> Void = { message, fields in
                     Log.event(.rejectedBatch, .error, message, fields)
                 }) {
        self.every = milliseconds
        self.maxKeys = maxKeys
        self.sink = sink
    }

    /// Records one refused batch at steady time `now`; logs it unless the same kind was logged less than
    /// `every` ago.
    package func note(migration: String, known: Bool, reason: String, message: String, now: Int64) {
        let key = known ? "\(migration)\u{0}\(reason)" : "\u{0}\(reason)"
        let suppressed: Int? = lock.withLock {
            if let previous = last[key], now - previous.at < every {
                last[key]!.suppressed += 1
                return nil
            }
            if last[key] == nil && last.count >= maxKeys { last.removeAll(keepingCapacity: true) }
            let skipped = last[key]?.suppressed ?? 0
            last[key] = (now, 0)
            return skipped
        }
        guard let suppressed else { return }
        let more = suppressed > 0 ? " (\(suppressed) more refused since the last line)" : ""
        sink("observations for migration \(migration) refused (\(reason)): \(message)\(more)",
             [("migration", .string(migration)), ("reason", .string(reason)), ("detail", .string(message)),
              ("suppressed", .int(Int64(suppressed)))])
    }
}
