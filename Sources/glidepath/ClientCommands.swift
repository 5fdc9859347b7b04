import Foundation
import GlidepathCore
import GlidepathCLI
import GlidepathServer

/// Commands that talk to a running server: `apply`, `status`, `history` and the operator actions.
enum ClientCommands {
    static func apply(_ files: [String], client: AdminClient) -> Int32 {
        var failed = false
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                StandardStreams.writeError("\(path): cannot read the file\n")
                failed = true
                continue
            }
            guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let name = obj["migration"] as? String, !name.isEmpty else {
                // Let lint explain the details; the server needs a name to address the migration.
                StandardStreams.writeError("\(path): not a JSON object with a \"migration\" name; run glidepath lint \(path)\n")
                failed = true
                continue
            }
            do {
                let status = try client.call("PUT", "/v1/migrations/\(AdminClient.escape(name))", body: [UInt8](data))
                let s = status as? [String: Any] ?? [:]
                StandardStreams.write("\(path): \(name) revision \(CLIFormat.number(s["revision"])) \(s["state"] as? String ?? "")\n")
            } catch {
                StandardStreams.writeError("\(path): \(error.message)\n")
                failed = true
            }
        }
        return failed ? 1 : 0
    }

    static func status(_ name: String?, json: Bool, client: AdminClient) -> Int32 {
        do {
            let statuses = try client.statuses(name)
            if json {
                let value: Any = name == nil ? statuses : statuses[0]
                let data = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys])
                StandardStreams.write(String(decoding: data, as: UTF8.self) + "\n")
            } else {
                StandardStreams.write(CLIFormat.statusTable(statuses))
                if name != nil { StandardStreams.write(CLIFormat.armTable(statuses[0])) }
            }
            return 0
        } catch {
            StandardStreams.writeError("glidepath status: \(error)\n")
            return 1
        }
    }

    static func history(_ name: String, limit: Int?, json: Bool, client: AdminClient) -> Int32 {
        do {
            let path = "/v1/migrations/\(AdminClient.escape(name))/decisions" + (limit.map { "?limit=\($0)" } ?? "")
            let decisions = try client.call("GET", path) as? [[String: Any]] ?? []
            if json {
                let data = try JSONSerialization.data(withJSONObject: decisions, options: [.prettyPrinted, .sortedKeys])
                StandardStreams.write(String(decoding: data, as: UTF8.self) + "\n")
            } else {
                StandardStreams.write(CLIFormat.historyLines(decisions))
            }
            return 0
        } catch {
            StandardStreams.writeError("glidepath history: \(error)\n")
            return 1
        }
    }

    /// `promote-standby`: `POST /v1/standby/promote` on the standby named by `--server`.
    static func promoteStandby(client: AdminClient) -> Int32 {
        do {
            let answer = try client.call("POST", "/v1/standby/promote") as? [String: Any] ?? [:]
            let taken = answer["takenOver"] as? [[String: Any]] ?? []
            let created = answer["created"] as? [String] ?? []
            var text = "promoted: \(client.server) is a primary now (it followed \(answer["formerPrimary"] as? String ?? "?"))\n"
            for t in taken {
                text += "  took over \(t["migration"] as? String ?? "?"): \(t["state"] as? String ?? "?") at step "
                    + "\(t["step"] as? Int ?? 0), revision \(t["revision"] as? Int ?? 0)\n"
            }
            for name in created { text += "  created \(name) from the policies folder\n" }
            text += "Keep the old primary stopped: two primaries would both move traffic.\n"
            StandardStreams.write(text)
            return 0
        } catch {
            StandardStreams.writeError("glidepath promote-standby: \(error)\n")
            return 1
        }
    }

    static func act(_ action: OperatorAction, _ name: String, reason: String?, weight: Weight? = nil,
                    client: AdminClient) -> Int32 {
        var body: [UInt8] = []
        var members: [(String, JSON)] = []
        if let weight { members.append(("weight", .raw(weight.description))) }
        if let reason { members.append(("reason", .string(reason))) }
        if !members.isEmpty { body = Array(JSON.object(members).rendered.utf8) }
        do {
            let s = try client.call("POST", "/v1/migrations/\(AdminClient.escape(name))/\(action.rawValue)", body: body)
                as? [String: Any] ?? [:]
            StandardStreams.write(CLIFormat.statusTable([s], verdict: false))
            return 0
        } catch {
            StandardStreams.writeError("glidepath \(action.rawValue): \(error)\n")
            return 1
        }
    }
}

/// `delete` and `history --archived`.
extension ClientCommands {
    static func delete(_ name: String, reason: String?, client: AdminClient) -> Int32 {
        let body = reason.map { Array(JSON.object([("reason", .string($0))]).rendered.utf8) } ?? []
        do {
            let a = try client.call("DELETE", "/v1/migrations/\(AdminClient.escape(name))", body: body)
                as? [String: Any] ?? [:]
            StandardStreams.write("\(name): deleted (was \(a["state"] as? String ?? "?") at revision "
                + "\(CLIFormat.number(a["revision"]))); archived as #\(CLIFormat.number(a["archive"])) with "
                + "\(CLIFormat.number(a["decisionCount"])) decision(s): glidepath history \(name) --archived\n")
            return 0
        } catch {
            StandardStreams.writeError("glidepath delete: \(error)\n")
            return 1
        }
    }

    static func archivedHistory(_ name: String, limit: Int?, json: Bool, client: AdminClient) -> Int32 {
        do {
            let path = "/v1/archive/\(AdminClient.escape(name))" + (limit.map { "?limit=\($0)" } ?? "")
            let archives = try client.call("GET", path) as? [[String: Any]] ?? []
            if json {
                let data = try JSONSerialization.data(withJSONObject: archives, options: [.prettyPrinted, .sortedKeys])
                StandardStreams.write(String(decoding: data, as: UTF8.self) + "\n")
                return 0
            }
            for (i, a) in archives.enumerated() {
                if i > 0 { StandardStreams.write("\n") }
                StandardStreams.write(CLIFormat.archiveHeader(a))
                StandardStreams.write(CLIFormat.historyLines(a["decisions"] as? [[String: Any]] ?? []))
            }
            return 0
        } catch {
            StandardStreams.writeError("glidepath history: \(error)\n")
            return 1
        }
    }
}
