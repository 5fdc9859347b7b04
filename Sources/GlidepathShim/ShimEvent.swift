/// Something the shim wants its application to know; delivered to `Configuration.onEvent`.
///
/// None of these reach the request path: the shim keeps routing on the last good weights whatever happens.
public enum ShimEvent: Sendable, Equatable, CustomStringConvertible {
    /// New weights accepted.
    case weightsUpdated(revision: Int, candidateBasisPoints: Int)
    /// The controller answered, but with weights the shim will not use (kept the last good ones).
    case weightsRejected(reason: String)
    /// The poll got no usable answer (unreachable, 5xx, unexpected status); retrying after `retryIn` s.
    case pollFailed(reason: String, retryIn: Double)
    /// Lines dropped because the buffer was full, since the last report, and in total.
    case linesDropped(count: Int, total: Int)
    /// `record` refused a line that would have made the controller reject its whole batch.
    case lineRejected(reason: String)
    /// A batch was delivered.
    case batchSent(lines: Int)
    /// A batch could not be delivered; its lines stay buffered and are retried after `retryIn` s.
    case batchFailed(reason: String, retryIn: Double)
    /// The controller refused a batch as malformed (400/413): it is dropped, never retried.
    case batchDropped(lines: Int, status: Int, reason: String)
    /// The local breaker opened after consecutive candidate errors: baseline only for `cooldown` s.
    case breakerOpened(consecutiveErrors: Int, cooldown: Double)
    /// Polls or batches moved to another controller URL (`Configuration.servers`): the one they were
    /// sent to failed (refused, timed out, 5xx), or the first answers again.
    case failover(from: String, to: String)

    public var description: String {
        switch self {
        case .weightsUpdated(let r, let bp): "weights revision \(r): candidate \(Double(bp) / 100)%"
        case .weightsRejected(let reason): "weights rejected, keeping the last good ones: \(reason)"
        case .pollFailed(let reason, let retry): "poll failed, keeping the last good weights: \(reason); retry in \(retry) s"
        case .linesDropped(let n, let total): "buffer full: dropped \(n) lines (\(total) in total)"
        case .lineRejected(let reason): "line not recorded: \(reason)"
        case .batchSent(let n): "sent \(n) lines"
        case .batchFailed(let reason, let retry): "batch not delivered: \(reason); retry in \(retry) s"
        case .batchDropped(let n, let status, let reason): "batch of \(n) lines dropped (HTTP \(status)): \(reason)"
        case .breakerOpened(let n, let cooldown): "breaker open after \(n) consecutive candidate errors: baseline for \(cooldown) s"
        case .failover(let from, let to): "controller \(from) failed or was left; now using \(to)"
        }
    }
}
