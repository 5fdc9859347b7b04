import Foundation

extension GlidepathShim {
    /// What one poll found.
    public enum PollOutcome: Sendable, Equatable {
        /// New weights accepted.
        case updated(revision: Int)
        /// `304`: the weights did not change.
        case unchanged
        /// The controller answered with weights the shim refused; the last good ones stay.
        case rejected(String)
        /// No usable answer (unreachable, 5xx, other status); the last good weights stay.
        case failed(String)
    }

    /// Polls the weights once now (the background poller does this on its own after `start()`).
    @discardableResult
    public func refresh() async -> PollOutcome {
        let current = weights
        var headers = ["Glidepath-Shim": configuration.shimID, "Accept": "application/json"]
        if let etag = current?.etag { headers["If-None-Match"] = etag }
        let response: ShimResponse
        do {
            response = try await pollServers.send(now: { [self] in clockSeconds() }, transport: configuration.transport, { base in
                URL(string: base + weightsPath).map { ShimRequest(method: "GET", url: $0, headers: headers) }
            }, switched: { [self] in emit(.failover(from: $0, to: $1)) })
        } catch {
            return .failed("controller unreachable: \(error)")
        }
        switch response.status {
        case 304 where current != nil:
            return .unchanged
        case 200:
            let result = WeightsValidator.validate(response.body, etag: response.headers["etag"],
                                                   migration: configuration.migration, baseline: configuration.baseline,
                                                   candidate: configuration.candidate, previous: current)
            switch result {
            case .failure(let rejection):
                emit(.weightsRejected(reason: rejection.message))
                return .rejected(rejection.message)
            case .success(let snapshot):
                let changed = routeState.withLock { state in
                    // A concurrent refresh may have stored a newer revision meanwhile.
                    if let s = state.snapshot, s.revision > snapshot.revision { return false }
                    let changed = state.snapshot?.revision != snapshot.revision
                        || state.snapshot?.candidateBasisPoints != snapshot.candidateBasisPoints
                    state.snapshot = snapshot
                    return changed
                }
                if changed {
                    emit(.weightsUpdated(revision: snapshot.revision, candidateBasisPoints: snapshot.candidateBasisPoints))
                }
                return .updated(revision: snapshot.revision)
            }
        case 404:
            return .failed("HTTP 404: \(Self.errorText(response))")
        default:
            return .failed("HTTP \(response.status): \(Self.errorText(response))")
        }
    }

    /// The background poller: every `pollAfterSeconds` (or `pollInterval`) ±10 %; after failures it
    /// backs off (1 s doubling, at most 30 s, also jittered) and reports each failure.
    func pollLoop() async {
        var failures = 0
        while !Task.isCancelled {
            let outcome = await refresh()
            var delay = configuration.pollInterval ?? weights?.pollAfterSeconds ?? 5
            if case .failed(let reason) = outcome {
                failures += 1
                let backoff = min(30, pow(2, Double(min(failures - 1, 5))))
                delay = configuration.pollInterval.map { min($0, backoff) } ?? backoff
                delay *= Double.random(in: 0.9...1.1)
                emit(.pollFailed(reason: reason, retryIn: delay))
            } else {
                failures = 0
                delay *= Double.random(in: 0.9...1.1)
            }
            try? await Task.sleep(for: .seconds(delay))
        }
    }
}
