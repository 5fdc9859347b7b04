import Foundation

/// One webhook POST: where, with which headers, which bytes.
package struct WebhookRequest: Sendable {
    package var url: String
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(url: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// What a webhook answered. "No answer" (refused, timed out, a bad URL) is a value too, never an error.
package struct WebhookResponse: Sendable, Equatable {
    /// The HTTP status, nil when there was no answer.
    package var status: Int?
    /// Why there was no answer, or the start of the answer's body (at most `maxDetailCharacters`, one line).
    package var detail: String

    package static let maxDetailCharacters = 200

    package init(status: Int?, detail: String = "") {
        self.status = status
        self.detail = Self.oneLine(detail)
    }

    /// A 2xx answer.
    package var isSuccess: Bool { status.map { (200...299).contains($0) } ?? false }

    /// `503 (upstream busy)`, `no answer (timed out after 5s)`: what logs, errors and verdicts show.
    package var summary: String {
        guard let status else { return "no answer (\(detail))" }
        return detail.isEmpty ? "\(status)" : "\(status) (\(detail))"
    }

    private static func oneLine(_ text: String) -> String {
        let cut = text.count > maxDetailCharacters ? String(text.prefix(maxDetailCharacters - 1)) + "…" : text
        return String(String.UnicodeScalarView(cut.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
            .trimmingCharacters(in: .whitespaces)
    }
}

/// Sends webhooks (notifications and gate questions). One requirement; `URLSessionWebhookTransport` is the
/// real one, `RecordingWebhookTransport` the in-memory fake.
///
/// Contract: a POST that never follows a redirect (a 3xx is the answer), gives up after `timeout` seconds
/// and reads at most a few KiB of the answer. It blocks the calling thread (the dispatcher's or the gate
/// checker's, never the control loop's) and never throws.
package protocol WebhookTransport: Sendable {
    func post(_ request: WebhookRequest, timeout: Double) -> WebhookResponse
}

/// An in-memory `WebhookTransport` for tests: records every request and answers from a script (then from
/// `answer`, 200 by default).
package final class RecordingWebhookTransport: WebhookTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [WebhookResponse]
    private var recorded: [WebhookRequest] = []
    /// Answers once the script is used up.
    package var answer: WebhookResponse {
        get { lock.withLock { fallback } }
        set { lock.withLock { fallback = newValue } }
    }
    private var fallback = WebhookResponse(status: 200)

    package init(answers: [WebhookResponse] = []) { script = answers }

    package var requests: [WebhookRequest] { lock.withLock { recorded } }

    package func post(_ request: WebhookRequest, timeout: Double) -> WebhookResponse {
        lock.withLock {
            recorded.append(request)
            return script.isEmpty ? fallback : script.removeFirst()
        }
    }
}
