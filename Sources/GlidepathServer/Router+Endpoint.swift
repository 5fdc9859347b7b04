import GlidepathCore
import HTTPServer

/// The endpoints, told apart by path alone, with what each needs before its body is read: the methods
/// it allows, the token a method needs, the body limit, and whether its handler may block.
enum Endpoint: Equatable {
    case healthz, readyz, metrics, list
    /// The status page: `/` (every migration) and `/migrations/{name}`.
    case overviewPage
    case migrationPage(String)
    case migration(String)
    case weights(String)
    case observations(String)
    case decisions(String)
    case action(OperatorAction, String)
    /// `GET /v1/archive/{name}`: the deleted migrations of a name with their decisions.
    case archive(String)

    /// Who may call an endpoint with a method.
    enum Access { case open, ingest, admin }

    /// The endpoint of a path (as `HTTPRequest.path`: `%2F` kept encoded), or nil (404). Names are
    /// decoded segment by segment, so a name may hold `/` but a `/` never comes from an escape.
    static func of(_ path: String) -> Endpoint? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].isEmpty else { return nil }
        switch parts.count {
        case 2:
            switch parts[1] {
            case "healthz": return .healthz
            case "readyz": return .readyz
            case "metrics": return .metrics
            case "": return .overviewPage
            default: return nil
            }
        case 3 where parts[1] == "v1" && parts[2] == "migrations":
            return .list
        case 4 where parts[1] == "v1" && parts[2] == "archive" && !parts[3].isEmpty:
            return .archive(HTTPRequest.decodedSegment(parts[3]))
        case 3 where parts[1] == "migrations" && !parts[2].isEmpty:
            return .migrationPage(HTTPRequest.decodedSegment(parts[2]))
        case 4 where parts[1] == "v1" && parts[2] == "migrations" && !parts[3].isEmpty:
            return .migration(HTTPRequest.decodedSegment(parts[3]))
        case 5 where parts[1] == "v1" && parts[2] == "migrations" && !parts[3].isEmpty:
            let name = HTTPRequest.decodedSegment(parts[3])
            switch parts[4] {
            case "weights": return .weights(name)
            case "observations": return .observations(name)
            case "decisions": return .decisions(name)
            default: return OperatorAction(rawValue: String(parts[4])).map { .action($0, name) }
            }
        default:
            return nil
        }
    }

    /// The label of `glidepath_http_requests_total{route}`.
    var template: String {
        switch self {
        case .healthz: "/healthz"
        case .readyz: "/readyz"
        case .metrics: "/metrics"
        case .list: "/v1/migrations"
        case .overviewPage: "/"
        case .migrationPage: "/migrations/{name}"
        case .migration: "/v1/migrations/{name}"
        case .weights: "/v1/migrations/{name}/weights"
        case .observations: "/v1/migrations/{name}/observations"
        case .decisions: "/v1/migrations/{name}/decisions"
        case .action(let action, _): "/v1/migrations/{name}/\(action.rawValue)"
        case .archive: "/v1/archive/{name}"
        }
    }

    /// The methods allowed, as the `Allow` header lists them (HEAD is allowed wherever GET is).
    var allow: String {
        switch self {
        case .migration: "GET, PUT, DELETE"
        case .observations, .action: "POST"
        default: "GET"
        }
    }

    func allows(_ method: String) -> Bool {
        switch self {
        case .migration: method == "GET" || method == "PUT" || method == "DELETE"
        case .observations, .action: method == "POST"
        default: method == "GET"
        }
    }

    /// The token `method` needs here (an allowed method).
    func access(_ method: String) -> Access {
        switch self {
        case .migration: method == "GET" ? .open : .admin
        case .observations: .ingest
        case .decisions, .action, .archive: .admin
        default: .open
        }
    }

    /// The largest body accepted (a declared `Content-Length` above it answers 413 from the head).
    var maxBodyBytes: Int {
        switch self {
        case .observations: Router.maxObservationBytes
        case .migration: Router.maxPolicyBytes
        case .action: Router.maxActionBytes
        default: Router.maxBodylessRouteBytes
        }
    }

    /// Whether the handler may block: store writes and reads, and reads of the controller's table, whose
    /// lock a store write holds (an fsync, or up to the busy timeout on a failing disk). It then runs on a
    /// worker thread, so the event loop keeps serving weights and observations meanwhile.
    func blocks(_ method: String) -> Bool {
        switch self {
        // /metrics too: rendering thousands of migrations takes long enough to stall the weights polls
        // that share its event loop.
        case .migration, .list, .decisions, .action, .overviewPage, .migrationPage, .archive, .metrics: true
        default: false
        }
    }
}
