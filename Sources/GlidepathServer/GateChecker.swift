import Foundation
import GlidepathCore

/// Asks webhook gates, off the control loop: `ask` sends the question in the background and returns at
/// once; the answer is kept per migration for the (revision, step) it was asked about, and the next tick
/// reads it with `answer(for:)`. A migration has at most one question out at a time, and at most
/// `maxInFlight` are out in all (more wait for the next tick): a gate that hangs costs one thread for at
/// most the transport's timeout, and the tick never waits for it.
package final class GateChecker: @unchecked Sendable {
    /// Which question an answer belongs to: an answer for an older revision or step never opens a newer gate.
    package struct Key: Hashable, Sendable {
        package var migration: String
        package var revision: Int64
        package var step: Int

        package init(migration: String, revision: Int64, step: Int) {
            self.migration = migration
            self.revision = revision
            self.step = step
        }
    }

    package static let maxInFlight = 16

    let transport: any WebhookTransport
    let config: WebhookConfig
    private let time: any TimeSource
    private let queue = DispatchQueue(label: "glidepath-gates", attributes: .concurrent)
    private let lock = NSLock()
    private var answers: [String: (key: Key, answer: GateAnswer)] = [:]
    private var inFlight: Set<String> = []
    private let idle = DispatchGroup()

    package init(transport: any WebhookTransport, config: WebhookConfig, time: any TimeSource) {
        self.transport = transport
        self.config = config
        self.time = time
    }

    /// The last answer to the question `key`, nil before one came.
    package func answer(for key: Key) -> GateAnswer? {
        lock.withLock { answers[key.migration].flatMap { $0.key == key ? $0.answer : nil } }
    }

    /// Forgets a migration's last answer (it was deleted). A question still out lands later and is
    /// never read: answers match on revision, and a migration applied again continues above it.
    package func forget(migration: String) {
        lock.withLock { answers[migration] = nil }
    }

    /// Whether a question of `migration` is out.
    package func isAsking(_ migration: String) -> Bool { lock.withLock { inFlight.contains(migration) } }

    /// POSTs `question` (JSON) to `url` in the background, unless a question of this migration is already
    /// out or `maxInFlight` are; its answer replaces the migration's last one.
    package func ask(_ key: Key, url: WebhookURL, question: String) {
        let go = lock.withLock { () -> Bool in
            guard !inFlight.contains(key.migration), inFlight.count < Self.maxInFlight else { return false }
            inFlight.insert(key.migration)
            return true
        }
        guard go else { return }
        idle.enter()
        queue.async { [self] in
            defer { idle.leave() }
            let body = Array(question.utf8)
            let headers = config.headers(body: body, event: "gate",
                                         delivery: "\(key.migration)/\(key.revision)/gate/\(key.step + 1)",
                                         unixSeconds: time.read().wall / 1000)
            let r = transport.post(WebhookRequest(url: url.text, headers: headers, body: body),
                                   timeout: config.timeoutSeconds)
            let answer = GateAnswer(status: r.status, detail: r.detail)
            let previous = lock.withLock { () -> GateAnswer? in
                inFlight.remove(key.migration)
                let old = answers[key.migration].flatMap { $0.key == key ? $0.answer : nil }
                answers[key.migration] = (key, answer)
                return old
            }
            if previous?.status != answer.status {
                let line = "migration \(key.migration): webhook gate \(url.host) before step \(key.step + 1) "
                    + "answered \(answer.summary)"
                let fields: [(String, JSON)] = [("migration", .string(key.migration)), ("url", .string(url.host)),
                                                ("step", .int(Int64(key.step + 1))), ("answer", .string(answer.summary))]
                if answer.isOpen { Log.event(.gate, .info, line, fields) } else {
                    Log.event(.gate, .error, line + "; holding at step \(key.step)", fields)
                }
            }
        }
    }

    /// Waits for the questions out to be answered (tests, shutdown); false after `timeout` seconds.
    @discardableResult
    package func waitIdle(timeout: Double) -> Bool { idle.wait(timeout: .now() + timeout) == .success }
}
