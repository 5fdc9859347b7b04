/// What the server does with a request once its head is parsed (the answer of the head check).
package enum HTTPHeadVerdict: Sendable {
    /// Read the body (if any) and run the handler on the event loop: for fast, non-blocking work.
    case inline
    /// Read the body, then run the handler on a worker thread (it may block: disk writes, locks held
    /// long). The connection handles nothing else until the answer is written, so answers stay in order.
    case offload
    /// Answer this without running the handler. If a body follows the head it is never buffered: the
    /// answer is sent at once and the connection closes. A request without a body keeps its connection.
    case respond(HTTPResponse)
}
