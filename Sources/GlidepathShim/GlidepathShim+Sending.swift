import Foundation

extension GlidepathShim {
    /// What became of one batch.
    enum BatchOutcome: Equatable {
        case sent(Int)
        /// Refused as malformed (400/413): dropped so it cannot block the buffer forever.
        case dropped(Int)
        case failed(String)
        case empty
    }

    /// Sends the buffered lines now, batch after batch, until the buffer is empty or a batch fails.
    /// Returns the number of lines delivered.
    @discardableResult
    public func flush() async -> Int {
        var delivered = 0
        while true {
            switch await sendBatch() {
            case .sent(let n): delivered += n
            case .dropped: continue
            case .failed, .empty: return delivered
            }
        }
    }

    /// The background sender: wakes a few times per `batchInterval`, sends full batches as soon as
    /// there are `batchLines` lines and everything once `batchInterval` has passed since the last send;
    /// after a failure it waits (0.5 s doubling, at most 30 s) with the lines kept.
    func sendLoop() async {
        let interval = configuration.batchInterval
        let tick = max(0.005, min(interval / 4, 0.05))
        var lastSend = monotonicNow()
        var backoff = 0.0
        var retryAt = 0.0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(tick))
            if Task.isCancelled { return }
            if let drop = outbox.withLock({ $0.takeDropReport() }) {
                emit(.linesDropped(count: drop.count, total: drop.total))
            }
            let now = monotonicNow()
            guard now >= retryAt else { continue }
            let pending = bufferedLines
            if pending == 0 {
                lastSend = now
                continue
            }
            let due = now - lastSend >= interval
            guard due || pending >= configuration.batchLines else { continue }
            var failure: String?
            while failure == nil, !Task.isCancelled {
                let left = bufferedLines
                if left == 0 || (!due && left < configuration.batchLines) { break }
                if case .failed(let reason) = await sendBatch() { failure = reason }
            }
            if let failure {
                backoff = min(30, max(0.5, backoff * 2))
                retryAt = monotonicNow() + backoff
                emit(.batchFailed(reason: failure, retryIn: backoff))
            } else {
                backoff = 0
                lastSend = monotonicNow()
            }
        }
    }

    /// Posts the first `batchLines` buffered lines; they leave the buffer only when delivered or refused.
    /// Breaker trips and fallbacks not yet reported ride along as `Glidepath-Breaker-Trips` and
    /// `Glidepath-Fallbacks` (only when non-zero); they count as reported only when the batch is accepted.
    func sendBatch() async -> BatchOutcome {
        let (lines, pending) = outbox.withLock { (Array($0.peek(configuration.batchLines)), $0.pendingCounts()) }
        guard !lines.isEmpty else { return .empty }
        var headers = ["Content-Type": "text/plain", "Glidepath-Shim": configuration.shimID]
        if pending.trips > 0 { headers["Glidepath-Breaker-Trips"] = String(pending.trips) }
        if pending.fallbacks > 0 { headers["Glidepath-Fallbacks"] = String(pending.fallbacks) }
        if let token = configuration.ingestToken { headers["Authorization"] = "Bearer " + token }
        if let revision = weights?.revision { headers["Glidepath-Revision"] = String(revision) }
        let body = Data((lines.joined(separator: "\n") + "\n").utf8)
        let response: ShimResponse
        do {
            response = try await sendServers.send(now: { [self] in clockSeconds() }, transport: configuration.transport, { base in
                URL(string: base + observationsPath).map { ShimRequest(method: "POST", url: $0, headers: headers, body: body) }
            }, switched: { [self] in emit(.failover(from: $0, to: $1)) })
        } catch {
            return .failed("controller unreachable: \(error)")
        }
        switch response.status {
        case 200...299:
            outbox.withLock {
                $0.removeFirst(lines.count)
                $0.reported(trips: pending.trips, fallbacks: pending.fallbacks)
            }
            emit(.batchSent(lines: lines.count))
            return .sent(lines.count)
        case 400, 413:
            outbox.withLock { $0.removeFirst(lines.count) }
            emit(.batchDropped(lines: lines.count, status: response.status, reason: Self.errorText(response)))
            return .dropped(lines.count)
        default:
            return .failed("HTTP \(response.status): \(Self.errorText(response))")
        }
    }

    /// The controller's `{"error": ...}` sentence, else the start of the body.
    static func errorText(_ response: ShimResponse) -> String {
        if let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
           let error = object["error"] as? String {
            if let line = object["line"] as? Int { return "line \(line): \(error)" }
            return error
        }
        return String(decoding: response.body.prefix(200), as: UTF8.self)
    }
}
