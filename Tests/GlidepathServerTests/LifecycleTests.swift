import Foundation
import GlidepathCore
import HTTPServer
import PromText
import Testing
@testable import GlidepathServer

/// An in-memory store with an archive that can be told to fail.
final class ArchivingStore: MigrationStore, MigrationArchive, @unchecked Sendable {
    let inner = InMemoryMigrationStore()
    var failArchive = false

    func loadAll() throws -> [StoredMigration] { try inner.loadAll() }
    func save(_ change: StoreChange) throws { try inner.save(change) }
    func save(batch changes: [StoreChange]) throws { try inner.save(batch: changes) }
    func decisions(migration: String, limit: Int) throws -> [Decision] { try inner.decisions(migration: migration, limit: limit) }
    func policyVersions(migration: String) throws -> [(version: Int, source: String)] {
        try inner.policyVersions(migration: migration)
    }
    func archive(_ request: ArchiveRequest) throws -> ArchivedMigration {
        if failArchive { throw FailableStore.Refused() }
        return try inner.archive(request)
    }
    func archives(migration: String) throws -> [ArchivedMigration] { try inner.archives(migration: migration) }
    func archivedDecisions(archiveID: Int64, limit: Int) throws -> [Decision] {
        try inner.archivedDecisions(archiveID: archiveID, limit: limit)
    }
    func applyRetention(_ retention: HistoryRetention, now: Int64, shouldContinue: () -> Bool) throws -> RetentionReport {
        try inner.applyRetention(retention, now: now, shouldContinue: shouldContinue)
    }
}

/// `DELETE /v1/migrations/{name}`, `GET /v1/archive/{name}`, `serve --prune` and the deleted-file rule.
@Suite struct LifecycleTests {
    let store = ArchivingStore()
    let controller: Controller
    let router: Router

    init() {
        Log.enabled = false
        controller = Controller(store: store, time: ManualTimeSource(Fixture.start))
        router = Router(controller: controller, auth: Authorizer(adminToken: "admin-secret", ingestToken: "ingest-secret"))
    }

    @discardableResult
    func put(_ name: String = "chat-completions", _ source: String? = nil) -> HTTPResponse {
        router.handle(Fixture.request("PUT", "/v1/migrations/\(name)", body: source ?? Fixture.policy(name),
                                      headers: Fixture.admin))
    }

    func post(_ action: String, _ name: String = "chat-completions") -> HTTPResponse {
        router.handle(Fixture.request("POST", "/v1/migrations/\(name)/\(action)", headers: Fixture.admin))
    }

    func delete(_ name: String = "chat-completions", body: String = "", headers: [(String, String)] = Fixture.admin)
        -> HTTPResponse {
        router.handle(Fixture.request("DELETE", "/v1/migrations/\(name)", body: body, headers: headers))
    }

    func metricsText() -> String {
        router.handle(Fixture.request("GET", "/metrics")).text
    }

    @Test func deletingARolledBackMigrationArchivesItAndForgetsEverySeries() {
        put()
        put("other")
        #expect(post("rollback").status == 200)
        #expect(router.handle(Fixture.request("GET", "/v1/migrations/chat-completions/weights",
                                              headers: [("Glidepath-Shim", "pod-1")])).status == 200)
        #expect(metricsText().contains(#"migration="chat-completions""#))

        let r = delete(body: #"{"reason": "finished"}"#, headers: Fixture.admin + [("Glidepath-Actor", "alice@laptop")])
        #expect(r.status == 200)
        #expect(r.object["deleted"] as? Bool == true)
        #expect(r.object["state"] as? String == "rolled_back")
        #expect(r.object["revision"] as? Int == 2)
        #expect(r.object["by"] as? String == "alice@laptop")
        #expect(r.object["reason"] as? String == "deleted while rolled_back at step 0 (revision 2): finished")
        #expect(r.object["decisionCount"] as? Int == 2)

        let text = metricsText()
        #expect(!text.contains(#"migration="chat-completions""#))
        #expect(text.contains(#"migration="other""#))
        #expect(router.handle(Fixture.request("GET", "/v1/migrations/chat-completions/weights")).status == 404)
        #expect(router.handle(Fixture.request("GET", "/v1/migrations/chat-completions")).status == 404)
        #expect(router.handle(Fixture.request("GET", "/v1/migrations")).list.map { $0["migration"] as? String } == ["other"])
        #expect(router.handle(Fixture.request("GET", "/v1/migrations/chat-completions/decisions",
                                              headers: Fixture.admin)).status == 404)
        #expect(router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/observations",
                                              body: "openai 200 5", headers: Fixture.ingest)).status == 404)
        #expect(!router.handle(Fixture.request("GET", "/")).text.contains("chat-completions"))
        #expect(controller.shims.count(migration: "chat-completions") == 0)

        let archived = router.handle(Fixture.request("GET", "/v1/archive/chat-completions", headers: Fixture.admin))
        #expect(archived.status == 200)
        #expect(archived.list.count == 1)
        let decisions = archived.list.first?["decisions"] as? [[String: Any]] ?? []
        #expect(decisions.map { $0["action"] as? String } == ["rollback", "created"])
        #expect(router.handle(Fixture.request("GET", "/v1/archive/other", headers: Fixture.admin)).status == 404)
        #expect(router.handle(Fixture.request("GET", "/v1/archive/chat-completions")).status == 401)
    }

    @Test func aLiveMigrationIsNotDeleted() throws {
        put()
        let r = delete()
        #expect(r.status == 409)
        #expect(r.object["error"] as? String == "migration \"chat-completions\" is ramping at step 0; only promoted, "
            + "rolled_back or paused migrations can be deleted: pause it (glidepath pause chat-completions), roll it "
            + "back, or wait for it to finish; nothing changed")
        #expect(controller.entry("chat-completions") != nil)
        #expect(try store.archives(migration: "chat-completions").isEmpty)
        // Paused and promoted ones can go.
        #expect(post("pause").status == 200)
        #expect(delete().status == 200)
        put("p2")
        #expect(post("promote", "p2").status == 200)
        #expect(delete("p2").status == 200)
    }

    @Test func unknownUnauthenticatedAndWrongTokenChangeNothing() {
        put()
        #expect(post("rollback").status == 200)
        #expect(delete("nope").status == 404)
        let missing = delete(headers: [])
        #expect(missing.status == 401)
        #expect(missing.headers["WWW-Authenticate"] != nil)
        #expect(delete(headers: [("Authorization", "Bearer wrong")]).status == 403)
        #expect(controller.entry("chat-completions") != nil)
        // The head check refuses a DELETE without the token before any body is read, and offloads one with it.
        let bare = router.head(HTTPRequestHead(request: Fixture.request("DELETE", "/v1/migrations/chat-completions")))
        guard case .respond(let refused) = bare else { Issue.record("not refused: \(bare)"); return }
        #expect(refused.status == 401)
        let ok = router.head(HTTPRequestHead(request: Fixture.request("DELETE", "/v1/migrations/chat-completions",
                                                                      headers: Fixture.admin)))
        guard case .offload = ok else { Issue.record("not offloaded: \(ok)"); return }
    }

    @Test func aStoreFailureDeletesNothing() {
        put()
        #expect(post("rollback").status == 200)
        store.failArchive = true
        let r = delete()
        #expect(r.status == 503)
        #expect(r.object["error"] as? String == "the store cannot be written right now (the disk is full); nothing "
            + "was deleted. Retry once /readyz answers 200")
        #expect(controller.entry("chat-completions")?.status.phase == .rolledBack)
        #expect(metricsText().contains(#"migration="chat-completions""#))
        store.failArchive = false
        #expect(delete().status == 200)
    }

    @Test func applyingTheNameAgainStartsFreshAboveTheArchivedRevision() throws {
        put()
        #expect(post("rollback").status == 200)
        #expect(delete().status == 200)
        let again = put()
        #expect(again.status == 201)
        #expect(again.object["revision"] as? Int == 3)
        #expect(again.object["state"] as? String == "ramping")
        #expect(try store.decisions(migration: "chat-completions", limit: 10).map(\.revision) == [3])
        #expect(post("rollback").status == 200)
        #expect(delete().status == 200)
        let archives = router.handle(Fixture.request("GET", "/v1/archive/chat-completions?limit=1", headers: Fixture.admin))
        #expect(archives.list.map { $0["revision"] as? Int } == [4, 2])
        #expect(archives.list.map { ($0["decisions"] as? [Any])?.count } == [1, 1])
    }

    func file(_ name: String, _ source: String) -> PolicyFile {
        PolicyFile(path: "/p/\(name).json", source: source, result: PolicyParser.parse(source, zones: SystemTimeZones()))
    }

    @Test func pruneDeletesFinishedMigrationsAndRollsBackLiveOnes() {
        put("done")
        put("live")
        put("kept")
        #expect(post("promote", "done").status == 200)
        let report = controller.applyPolicyFiles([file("kept", Fixture.policy("kept"))], directory: "/p", prune: true)
        #expect(report.outcomes == ["kept": "unchanged"])
        #expect(report.pruned == ["done"])
        #expect(report.rolledBack == ["live"])
        #expect(controller.entry("done") == nil)
        #expect(controller.entry("live")?.status.phase == .rolledBack)
        #expect(controller.entry("live")?.lastDecision?.by == Controller.pruneActor)
        #expect(controller.entry("kept")?.status.phase == .ramping)
        // The next start deletes the one it rolled back.
        let next = controller.applyPolicyFiles([file("kept", Fixture.policy("kept"))], directory: "/p", prune: true)
        #expect(next.pruned == ["live"])
        #expect(controller.allEntries().map(\.name) == ["kept"])
        // Without --prune nothing is removed.
        #expect(controller.applyPolicyFiles([], directory: "/p", prune: false).pruned.isEmpty)
        #expect(controller.allEntries().map(\.name) == ["kept"])
    }

    @Test func aDeletedMigrationDoesNotComeBackFromItsUnchangedFile() {
        put()
        #expect(post("rollback").status == 200)
        #expect(delete().status == 200)
        let same = controller.applyPolicyFiles([file("chat-completions", Fixture.policy())], directory: "/p", prune: false)
        #expect(same.outcomes == ["chat-completions": "deleted-unchanged"])
        #expect(controller.entry("chat-completions") == nil)
        let edited = Fixture.policy(steps: #"[{"weight": 1, "bake": "1m"}, {"weight": 100}]"#)
        let changed = controller.applyPolicyFiles([file("chat-completions", edited)], directory: "/p", prune: false)
        #expect(changed.outcomes == ["chat-completions": "created"])
        #expect(controller.entry("chat-completions")?.status.revision == 3)
    }

    @Test func registryRemovesASeriesValueFromEveryFamily() {
        let registry = MetricRegistry()
        let c = registry.counter("a_total", help: "a", labels: ["migration", "arm"])
        let g = registry.gauge("b", help: "b", labels: ["route", "migration"])
        let h = registry.histogram("c_seconds", help: "c", labels: ["migration"], buckets: [1])
        let other = registry.gauge("d", help: "d", labels: ["x"])
        c.add(1, labels: ["m", "x"])
        c.add(1, labels: ["m2", "x"])
        g.set(1, labels: ["r", "m"])
        h.observe(0.5, labels: ["m"])
        other.set(1, labels: ["m"])
        #expect(registry.removeSeries(label: "migration", value: "m") == 3)
        let text = String(decoding: registry.render(), as: UTF8.self)
        #expect(!text.contains(#"migration="m""#))
        #expect(text.contains(#"a_total{migration="m2",arm="x"} 1"#))
        #expect(text.contains(#"d{x="m"} 1"#))
    }

    @Test func aDeleteForgetsTheSourceHealthSoARecreatedMigrationStartsANewStreak() {
        let name = "chat-completions"
        put()
        controller.sourceHealth.record(name, .failed("metrics source scrape http://x/m: connection refused"))
        #expect(controller.metrics.metricsSourceUp.value(labels: [name]) == 0)
        #expect(post("pause").status == 200)
        #expect(delete().status == 200)
        #expect(controller.sourceHealth.failure(name) == nil)
        #expect(controller.metrics.metricsSourceUp.value(labels: [name]) == nil)
        #expect(put().status == 201)
        #expect(controller.sourceHealth.failure(name) == nil)
        controller.sourceHealth.record(name, .failed("metrics source scrape http://x/m: 503"))
        #expect(controller.sourceHealth.failure(name) == "metrics source scrape http://x/m: 503")
    }

    @Test func retentionRunsThroughTheController() throws {
        put()
        #expect(post("pause").status == 200)
        let report = controller.applyRetention(HistoryRetention(days: 0, maxDecisions: 1))
        #expect(report == RetentionReport(decisions: 1, archivedDecisions: 0, batches: 1))
        #expect(try store.decisions(migration: "chat-completions", limit: 10).map(\.action) == [.pause])
    }
}
