import GlidepathServer
import Foundation
import HTTPServer

/// A failed client call: the server's own error message when it sent one (exit code 1).
package struct ClientError: Error, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// The CLI's side of the admin API.
package struct AdminClient: Sendable {
    package var server: String
    package var token: String?
    /// Who is acting, sent as `Glidepath-Actor` so the audit log records it; nil sends nothing.
    package var actor: String?

    package static let defaultServer = "http://127.0.0.1:8470"

    /// `--server` wins over `GLIDEPATH_SERVER`, which wins over the default. `--actor` wins over
    /// `$USER@hostname`; `--actor ""` sends no name.
    package init(server: String?, environment: [String: String], actor: String? = nil, hostname: String = "") {
        var s = server ?? environment["GLIDEPATH_SERVER"] ?? Self.defaultServer
        while s.hasSuffix("/") { s.removeLast() }
        self.server = s
        token = environment["GLIDEPATH_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if let actor {
            self.actor = actor.isEmpty ? nil : actor
        } else {
            self.actor = Self.defaultActor(environment: environment, hostname: hostname)
        }
    }

    /// `$USER@hostname` (`$LOGNAME` when `USER` is unset); nil when neither names a user. Non-ASCII and
    /// control characters are dropped so the name is a valid header value.
    package static func defaultActor(environment: [String: String], hostname: String) -> String? {
        guard let user = [environment["USER"], environment["LOGNAME"]].compactMap({ $0 }).first(where: { !$0.isEmpty })
        else { return nil }
        let raw = hostname.isEmpty ? user : "\(user)@\(hostname)"
        let clean = String(String.UnicodeScalarView(raw.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F }))
        return clean.isEmpty ? nil : String(clean.prefix(128))
    }

    /// This machine's host name (`gethostname`), empty when it cannot be read.
    package static func localHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sends a request and returns the decoded JSON of a 2xx answer; anything else throws with the
    /// server's message (and every policy problem, for a 422).
    package func call(_ method: String, _ path: String, body: [UInt8] = [], contentType: String = "application/json") throws(ClientError) -> Any {
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if let actor, method != "GET" { headers.append(("Glidepath-Actor", actor)) }
        if !body.isEmpty { headers.append(("Content-Type", contentType)) }
        let response: HTTPClient.Response
        do { response = try HTTPClient.send(method: method, url: server + path, headers: headers, body: body, timeout: 10) } catch {
            throw ClientError("cannot reach \(server): \(error)")
        }
        let json = try? JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed])
        guard (200..<300).contains(response.status) else {
            throw ClientError(Self.describeError(status: response.status, json: json, body: response.body))
        }
        guard let json else { throw ClientError("the server answered \(response.status) with a body that is not JSON") }
        return json
    }

    static func describeError(status: Int, json: Any?, body: [UInt8]) -> String {
        guard let obj = json as? [String: Any], let message = obj["error"] as? String else {
            return "the server answered \(status): \(String(decoding: body.prefix(300), as: UTF8.self))"
        }
        var lines = ["server answered \(status): \(message)"]
        if let problems = obj["problems"] as? [[String: Any]] {
            for p in problems {
                var s = "  "
                if let line = p["line"] as? Int { s += "line \(line): " }
                if let field = p["field"] as? String, !field.isEmpty { s += "\(field): " }
                s += p["message"] as? String ?? ""
                lines.append(s)
            }
        } else {
            if let field = obj["field"] as? String { lines[0] += " (field \(field))" }
            if let line = obj["line"] as? Int { lines[0] += " (line \(line))" }
        }
        return lines.joined(separator: "\n")
    }

    /// Path segment escaping for a migration name.
    package static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? s
    }
}
