import Foundation
import GlidepathCore
import HTTPServer
@testable import GlidepathServer

/// An in-memory store that can be told to fail, to check that a failed write changes nothing.
final class FailableStore: MigrationStore, @unchecked Sendable {
    struct Refused: PlainStoreFailure, CustomStringConvertible {
        var description: String { "disk full (SQL: INSERT ...) at FakeStore.swift:1" }
        var plainReason: String { "the disk is full" }
    }

    private let lock = NSLock()
    private var migrations: [String: StoredMigration] = [:]
    private var policies: [String: [(Int, String)]] = [:]
    private var log: [String: [Decision]] = [:]
    var failSaves = false
    var failReads = false
    private(set) var saves: [StoreChange] = []

    func loadAll() throws -> [StoredMigration] {
        lock.withLock { migrations.values.sorted { $0.status.migration < $1.status.migration } }
    }

    func save(_ change: StoreChange) throws {
        try lock.withLock {
            if failSaves { throw Refused() }
            try check(change)
            write(change)
        }
    }

    /// Batches written (each also lands in `saves`, change by change).
    private(set) var batches = 0

    func save(batch changes: [StoreChange]) throws {
        try lock.withLock {
            if failSaves { throw Refused() }
            for change in changes { try check(change) }
            batches += 1
            for change in changes { write(change) }
        }
    }

    private func check(_ change: StoreChange) throws {
        if let old = migrations[change.status.migration], old.status.revision > change.status.revision { throw Refused() }
    }

    private func write(_ change: StoreChange) {
        let name = change.status.migration
        if let src = change.newPolicySource { policies[name, default: []].append((change.status.policyVersion, src)) }
        let source = policies[name]?.last(where: { $0.0 == change.status.policyVersion })?.1 ?? ""
        migrations[name] = StoredMigration(status: change.status, policySource: source, judge: change.judge)
        if let d = change.decision { log[name, default: []].append(d) }
        saves.append(change)
    }

    func decisions(migration: String, limit: Int) throws -> [Decision] {
        try lock.withLock {
            if failReads { throw Refused() }
            return Array((log[migration] ?? []).reversed().prefix(limit))
        }
    }

    func policyVersions(migration: String) throws -> [(version: Int, source: String)] {
        lock.withLock { (policies[migration] ?? []).map { (version: $0.0, source: $0.1) } }
    }
}

/// Builders shared by the tests.
enum Fixture {
    static let start: Int64 = 1_764_000_000_000  // 2025-11-24T16:00:00Z

    static func policy(_ name: String = "chat-completions", baseline: String = "openai", candidate: String = "holysheep",
                       steps: String = #"[{"weight": 5, "bake": "1m"}, {"weight": 50, "bake": "1m"}, {"weight": 100}]"#,
                       extra: String = "") -> String {
        #"{"migration": "\#(name)", "baseline": "\#(baseline)", "candidate": "\#(candidate)", "interval": "10s", "#
            + #""minRequests": 20, "steps": \#(steps)\#(extra)}"#
    }

    struct World {
        let store: FailableStore
        let clock: ManualTimeSource
        let controller: Controller
        let router: Router
        let source: InMemoryMetricsSource
    }

    static func world(admin: String? = "admin-secret", ingest: String? = "ingest-secret") -> World {
        Log.enabled = false
        let store = FailableStore()
        let clock = ManualTimeSource(start)
        let controller = Controller(store: store, time: clock)
        let router = Router(controller: controller, auth: Authorizer(adminToken: admin, ingestToken: ingest))
        return World(store: store, clock: clock, controller: controller, router: router, source: InMemoryMetricsSource())
    }

    static func request(_ method: String, _ target: String, body: String = "", headers: [(String, String)] = []) -> HTTPRequest {
        var path = target
        var query: [String: String] = [:]
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            for pair in target[target.index(after: q)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                query[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
            }
        }
        return HTTPRequest(method: method, target: target, path: path, query: query,
                           headers: HTTPHeaders(headers.map { (name: $0.0, value: $0.1) }), body: Array(body.utf8))
    }

    static let admin = [("Authorization", "Bearer admin-secret")]
    static let ingest = [("Authorization", "Bearer ingest-secret"), ("Content-Type", "text/plain")]
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    var list: [[String: Any]] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [[String: Any]] ?? [] }
}

/// Counts for one tick's worth of traffic: `n` requests per arm, `baselineErrors`/`candidateErrors` of them errors,
/// every latency in the 100 ms bucket.
func traffic(_ n: UInt64, baselineErrors: UInt64 = 0, candidateErrors: UInt64 = 0) -> ArmPair {
    func arm(_ errors: UInt64) -> ArmCounts {
        var latency = [UInt64](repeating: 0, count: LatencyBuckets.count)
        latency[LatencyBuckets.index(ofSeconds: 0.1)] = n
        return ArmCounts(requests: n, errors: errors, latency: latency, latencySum: Double(n) * 0.1)
    }
    return ArmPair(baseline: arm(baselineErrors), candidate: arm(candidateErrors))
}

/// A fresh directory under the system temp dir, removed when the test is done with it.
struct TempDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("glidepath-server-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Runs `body` with a new directory and removes it afterwards, whatever happens.
    static func with<T>(_ body: (TempDirectory) throws -> T) throws -> T {
        let directory = try TempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        return try body(directory)
    }
}
