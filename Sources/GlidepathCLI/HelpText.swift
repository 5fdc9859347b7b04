import GlidepathServer
/// The `--help` texts of the command-line tool.
package enum HelpText {
    package static let topLevel = """
    glidepath — canary migration controller

    Usage: glidepath <command> [options]

    Server:
      serve [--listen HOST:PORT] [--db PATH] [--policies DIR] [--log-format text|json]
            [--tls-terminated-by-proxy]
                               run the controller
      serve --standby --primary URL [--follow-interval 1s] [--listen ...] [--db ...] [--policies DIR]
                               a read-only standby serving the primary's weights
      promote-standby [--server URL]   make the standby at --server a primary (explicit, never automatic)
      demo [--listen HOST:PORT] [--speed X] [--keep]
                               a one-minute demo: a healthy candidate promoted, a faulty one rolled back
    Policies:
      apply FILE...            send policies to the server (PUT)
      lint FILE...             check policies locally, print every problem
    Inspect:
      status [NAME] [--json]   migrations: state, step, weights, revision, what the judge says now
      status --watch [NAME]    a live view (--interval 2s): steps, bake countdown, verdict, last decision
      history NAME [--limit N] [--json]   the audit log, newest first
      history NAME --archived  the audit log of a deleted migration (each time it was deleted)
    Operate:
      pause|resume|advance|promote|rollback|restart|back NAME [--reason TEXT] [--actor WHO]
      set-weight NAME PERCENT --reason TEXT [--actor WHO]
                               hold the candidate below the step's weight (paused) until resume
      delete NAME [--reason TEXT] [--actor WHO]
                               delete a promoted, rolled-back or paused migration (history archived)
    Tools:
      bucket --migration M --key K   the sticky bucket (0...9999) of a key
      bucket --vectors N       conformance vectors for the shims (JSON)
      version                  print the version
      simulate [--scenario S1,S3b|all] [--rate 1,10] [--runs N] [--seed N] [--judge J,...]
               [--policy FILE] [--horizon D] [--start TIME] [--json]
                               benchmark the judges on simulated traffic
      simulate --traffic PROFILE.json | --replay LOG [--policy FILE]
                               your own traffic, or would it have caught a recorded incident

    Client commands use --server URL or GLIDEPATH_SERVER (default http://127.0.0.1:8470)
    and the admin token from GLIDEPATH_ADMIN_TOKEN; apply and the actions record who acted
    (--actor, default $USER@hostname).
    Run glidepath <command> --help for details. Exit codes: 0 ok, 1 failure, 2 usage error.

    """

    package static func command(_ name: String) -> String {
        switch name {
        case "serve": return """
            Usage: glidepath serve [--listen HOST:PORT] [--db PATH] [--policies DIR] [--log-format text|json]
                                   [--prune] [--history-days N] [--history-max-decisions N]
                                   [--tls-terminated-by-proxy]
                                   [--latency-buckets fine|coarse]

              --listen    address to listen on (default 127.0.0.1:8470); a non-loopback address needs
                          both GLIDEPATH_ADMIN_TOKEN and GLIDEPATH_INGEST_TOKEN
              --db        SQLite database (default ./glidepath.db)
              --policies  directory of *.json policies applied at start-up (default ./policies);
                          an invalid file stops start-up
              --log-format text (default) or json: one JSON object per line with time, level, event
                          (decision, policy_applied, operator_action, rejected_batch, store_failure,
                          store_recovered, notification_failure, gate, control_loop, quarantine, lifecycle,
                          standby,                           server),
                          message and the event's fields; also GLIDEPATH_LOG_FORMAT
              --prune     delete migrations whose policy file is gone from --policies (GitOps); a live
                          one (ramping, waiting) is rolled back instead and deleted at a later start
              --history-days N
                          delete decisions older than N days (default 90; 0 keeps them forever); the
                          newest decision of each migration stays
              --history-max-decisions N
                          keep at most N decisions per migration and per archive (default 10000; 0: no cap)
              --tls-terminated-by-proxy
                          clients reach this address only through a TLS proxy (README "Across the
                          network"); silences the start-up WARNING that a non-loopback --listen
                          without it prints (bearer tokens in plaintext); also
                          GLIDEPATH_TLS_TERMINATED_BY_PROXY=1
              --latency-buckets fine (default: 55 bounds, 1 ms to 68 s) or coarse (15: 1, 2.2, 4.7 per
                          decade) for the latency and TTFT histograms; coarse cuts a migration's series
                          by ~60% for controllers holding thousands, at the cost of latency precision

            Environment: GLIDEPATH_WEBHOOK_SECRET signs webhooks (notify, gates) with HMAC-SHA256;
            GLIDEPATH_PUBLIC_URL is the controller's address as people reach it (linked in notifications).

            Standby: --standby --primary URL follows the primary (its list, weights with ETags, decisions with
            GLIDEPATH_PRIMARY_TOKEN or else GLIDEPATH_ADMIN_TOKEN) every --follow-interval (100ms to 1m,
            default 1s) into its own --db, and serves the same weights documents read-only; writes answer 503
            naming the primary. glidepath promote-standby makes it a primary (stop the old one first); the
            primary it becomes keeps --history-days, --history-max-decisions and --latency-buckets (--prune
            does not go with --standby).

            """
        case "promote-standby": return """
            Usage: glidepath promote-standby [--server URL]

              Makes the standby at --server (GLIDEPATH_SERVER) a primary: each followed migration is taken over
              at its followed state and the next revision, under the standby's own --policies files (409 and
              nothing changes when one is missing or differs); then its control loop starts and it takes writes.
              Needs the standby's GLIDEPATH_ADMIN_TOKEN. Stop (fence) the old primary first: two primaries
              would both move traffic.

            """
        case "demo": return """
            Usage: glidepath demo [--listen HOST:PORT] [--speed X] [--keep]

              Starts a controller on a temporary database, three simulated providers on loopback (legacy,
              candidate-ok, candidate-bad) and shim traffic, applies two fast policies and shows the live
              view while demo-healthy ramps 5/25/50/100 % to promoted and demo-faulty (8 % errors, twice the
              latency) is rolled back by the judge: about a minute. Prints the status page and /metrics
              URLs. Exits 0 once both reached that outcome, 1 if not (or after 3 minutes), and removes
              everything it started. Ctrl-C stops it and cleans up.

              --listen  the controller's address, a loopback one (default 127.0.0.1:0, a free port)
              --speed   traffic × X and bakes ÷ X, from 0.5 to 4 (default 1)
              --keep    leave the controller and the traffic running after the outcome, until Ctrl-C,
                        to browse the status page

            """
        case "apply": return "Usage: glidepath apply FILE... [--actor WHO] [--server URL]\n\n  Sends each policy to the server (PUT /v1/migrations/NAME), recording who applied it\n  (--actor, default $USER@hostname).\n"
        case "lint": return "Usage: glidepath lint FILE...\n\n  Checks policies without a server; prints file:line: path: message per problem.\n"
        case "status": return "Usage: glidepath status [NAME] [--json] [--server URL]\n       glidepath status --watch [NAME] [--interval DURATION] [--server URL]\n\n  Without NAME: every migration. With --json: the server's JSON. With --watch: redrawn in place every\n  --interval (default 2s, 1s to 1h) on a terminal; piped, a block of lines for each migration whose\n  view changed. Ctrl-C stops it.\n"
        case "history": return "Usage: glidepath history NAME [--limit N] [--json] [--archived] [--server URL]\n\n  The decisions of a migration, newest first. With --archived: those of the deleted migrations of\n  that name, newest deletion first, each under a line saying when, by whom and in which state\n  (--limit applies to each).\n"
        case "delete": return "Usage: glidepath delete NAME [--reason TEXT] [--actor WHO] [--server URL]\n\n  Deletes a promoted, rolled-back or paused migration (DELETE /v1/migrations/NAME): its weights\n  answer 404, its series leave /metrics, its decisions move to the archive (glidepath history NAME\n  --archived). A ramping or waiting one is refused (409): pause it, roll it back or let it finish.\n  Shims keep the last weights they saw (fail static); see the README before deleting a promoted\n  or paused migration that shims still poll.\n"
        case "bucket": return "Usage: glidepath bucket --migration M --key K\n       glidepath bucket --vectors N\n\n  Prints the sticky bucket (0...9999); a key routes to the candidate iff bucket < weight×100.\n  --vectors N prints a JSON array of the protocol's 5 vectors plus N generated ones\n  ({migration, key, fnv1a64, bucket}), the same on every run: the shims' conformance file.\n"
        case "version": return "Usage: glidepath version\n"
        case "simulate": return """
            Usage: glidepath simulate [--scenario S1,S3b|all] [--rate 1,10,100,1000] [--runs N] [--seed N]
                                      [--judge sequential,threshold,ztest] [--policy FILE] [--horizon D] [--start TIME] [--json]
                   glidepath simulate --traffic PROFILE.json [--policy FILE] [--judge J] [--runs N] [--seed N]
                                      [--horizon D] [--json]
                   glidepath simulate --replay LOG [--policy FILE] [--judge J] [--json]

              Runs the real judges and state machine on a virtual clock with seeded, simulated traffic
              (no sleeping) and prints one row per scenario, rate and judge.

              --scenario  scenario ids, comma-separated, or all: S1 A/A; S2/S2b errors 2x from the start /
                          mid-step; S3/S3b errors 10x from the start / t=5 min; S4/S4b latency +50% whole /
                          p99 only; S5 A/A low traffic with gaps; S6/S6b bursts and a common-mode error
                          spike, A/A / errors 2x; S7/S7a TTFT p90 x2 with latency unchanged / its A/A, under
                          the policy plus guards.ttft. Default: S1-S7 (S7a runs when named or with all)
              --rate      total request rates in req/s (default 1,10,100,1000; S5: 1,0.1)
              --runs      runs per scenario, rate and judge (default S1/S7a 2000, S6 1000, S5 500, others 300;
                          a traffic profile 1000 without changes, 300 with)
              --seed      seed of the random streams (default 1); the same seed gives the same output
              --judge     judges to compare (default all three; with --traffic or --replay the policy's)
              --policy    run under this policy file (its judge field set to each judge's) instead of the
                          benchmark's: steps 5/10/25/50/100 %, 2-minute bakes, 10 s interval, maxHold 1h,
                          product defaults otherwise; an invalid file exits 1
              --start     the wall time the virtual clock starts at, RFC 3339 with an offset (default now):
                          a policy's schedule and steps' notBefore hold advances as the server would, so
                          "median t" is how long the calendar ramp takes from then
              --horizon   virtual time per run, 1m to 30d (default 2h; S5 4h; a profile its hours), e.g. 7d
                          to see multi-day policies promote
              --traffic   a JSON traffic profile instead of the scenarios: hours, requestsPerSecond, diurnal,
                          baseline/candidate {errorRate, latencyMs {p50, p99}, ttftMs {p50, p99}, tokens
                          {mean, sigma}}, changes [{atMinutes, arm, ...fields}]; without changes it counts
                          false rollbacks; problems print as file:line: path: message (exit 1)
              --replay    replay a log of "<unix_ms> <arm> <status> <latency_ms>[ tokens=N][ ttft_ms=X]"
                          lines (time order) through the policy at recorded time and print the decisions it
                          would have taken; the recorded arm split is fed as it was (no re-routing)
              --json      an array of objects instead of the table (a replay: one object)

            """
        case "set-weight": return """
            Usage: glidepath set-weight NAME PERCENT --reason TEXT [--actor WHO] [--server URL]

              An operator hold: the candidate gets PERCENT (0 to 100, at most two decimals, strictly below
              the current step's weight; e.g. halve the exposure during a provider incident) and the
              migration is paused there; the judge keeps recording evidence but takes no action.
              resume returns to the step's weight and ramping; back, advance, promote and rollback also
              end the hold. Refused (409) at or above the step's weight and in promoted or rolled_back.

              --reason  why, recorded in the audit log with who acted (required)
              --actor   who is acting (default $USER@hostname; "" for none)

            """
        default: return """
            Usage: glidepath \(name) NAME [--reason TEXT] [--actor WHO] [--server URL]

              pause     freeze the weights; the judge keeps recording evidence
              resume    continue after pause or a manual gate
              advance   go to the next step now, skipping bake and gate
              promote   candidate to 100 % now
              rollback  candidate to 0 % now
              restart   back to step 0 from a terminal state
              back      one step down: the previous step's weight, ramping, bake starting over
                        (refused at step 0 and in a terminal state)

              --actor   who is acting, recorded in the audit log (default $USER@hostname; "" for none)

            """
        }
    }
}
