import GlidepathCore
import HTTPServer

extension Router {
    /// How many decisions a migration's page lists.
    static let pageDecisions = 20

    /// `GET /`: the overview of every migration.
    func overviewPage(_ r: HTTPRequest) -> HTTPResponse {
        let data = OverviewPageData(entries: controller.allEntries(), broken: controller.allBroken(),
                                    now: controller.time.read(), refresh: Self.refreshes(r))
        return Self.html(200, StatusPage.overview(data))
    }

    /// `GET /migrations/{name}`: one migration's page; an HTML 404 page for a name no migration has.
    func migrationPage(_ name: String, _ r: HTTPRequest) -> HTTPResponse {
        let refresh = Self.refreshes(r)
        let now = controller.time.read()
        let entry = controller.entry(name)
        let broken = entry == nil ? controller.brokenMigration(name) : nil
        guard entry != nil || broken != nil else {
            return Self.html(404, StatusPage.notFound(name, now: now, refresh: refresh))
        }
        var data = MigrationPageData(entry: entry, broken: broken, history: controller.history.samples(migration: name),
                                     shims: shims.counts(migration: name), now: now, refresh: refresh)
        do {
            data.decisions = try controller.decisions(migration: name, limit: Self.pageDecisions).map { LoggedDecision($0) }
        } catch {
            data.decisionsError = error.message
        }
        return Self.html(200, StatusPage.migration(data))
    }

    /// False for `?refresh=off` (or `0`, `false`, `no`): the page then does not reload itself.
    static func refreshes(_ r: HTTPRequest) -> Bool {
        guard let value = r.query["refresh"]?.lowercased() else { return true }
        return !["off", "0", "false", "no"].contains(value)
    }

    /// An HTML answer with the headers that keep the page inert: a Content-Security-Policy that loads
    /// nothing from anywhere and runs no script, no sniffing, no framing, no caching, no referrer.
    static func html(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Security-Policy", StatusPage.contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"),
            ("Cache-Control", "no-store"),
        ]), body: Array(body.utf8))
    }
}
