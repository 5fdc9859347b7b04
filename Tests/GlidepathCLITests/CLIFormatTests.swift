import Foundation
import GlidepathCore
import Testing
@testable import GlidepathCLI
import GlidepathServer

@Suite struct CLIFormatTests {
    @Test func statusTableHasOneRowPerMigration() {
        let rows: [[String: Any]] = [[
            "migration": "chat-completions", "state": "ramping", "step": 1, "steps": 3, "candidate": "holysheep",
            "weights": ["openai": 87.5, "holysheep": 12.5], "revision": 7, "reason": "healthy after 1,200 requests",
        ]]
        #expect(CLIFormat.statusTable(rows) == """
            MIGRATION         STATE    STEP  CANDIDATE        REVISION  REASON
            chat-completions  ramping  1/3   holysheep 12.5%  7         healthy after 1,200 requests

            """)
    }

    /// The REASON column is what the judge says now, not the last decision ("migration created…"); an
    /// operator action's answer shows the action's reason; before the first tick, the decision's.
    @Test func theReasonIsTheCurrentVerdict() {
        let s: [String: Any] = [
            "migration": "m", "state": "ramping", "step": 0, "steps": 2, "candidate": "new", "weights": ["old": 95, "new": 5],
            "revision": 1, "reason": "migration created with policy version 1; starting at step 0 (5%)",
            "verdict": ["action": "hold", "rule": "evidence", "reason": "waiting for evidence that the candidate is no worse"],
        ]
        #expect(CLIFormat.statusTable([s]).hasSuffix("1         waiting for evidence that the candidate is no worse\n"))
        #expect(CLIFormat.statusTable([s], verdict: false).hasSuffix("1         migration created with policy version 1; starting at step 0 (5%)\n"))
        var fresh = s
        fresh["verdict"] = NSNull()
        #expect(CLIFormat.statusTable([fresh]).hasSuffix("1         migration created with policy version 1; starting at step 0 (5%)\n"))
    }

    @Test func aQuarantinedMigrationShowsWhy() {
        let text = CLIFormat.statusTable([["migration": "m", "state": "broken", "revision": 7, "candidate": "new",
                                           "weights": ["old": 50, "new": 50], "brokenReason": "stored policy no longer parses"]])
        #expect(text.hasSuffix("m          broken  -     new 50%    7         quarantined: stored policy no longer parses\n"))
    }

    @Test func historyLinesReadLeftToRight() {
        let rows: [[String: Any]] = [[
            "at": "2025-11-24T16:00:00.000Z", "revision": 2, "action": "rollback", "fromStep": 1, "toStep": 1,
            "weights": ["openai": 100, "holysheep": 0], "actor": "judge", "reason": "error ratio 4.0×",
        ]]
        #expect(CLIFormat.historyLines(rows) == """
            TIME                      REV  ACTION    STEP  WEIGHTS                   ACTOR  REASON
            2025-11-24T16:00:00.000Z  2    rollback  1→1   holysheep=0% openai=100%  judge  error ratio 4.0×

            """)
    }

    @Test func policyProblemLines() {
        #expect(PolicyFile.format(file: "p.json", problem: PolicyProblem(path: "steps[1].weight", message: "must be above 50", line: 4))
            == "p.json:4: steps[1].weight: must be above 50")
        #expect(PolicyFile.format(file: "p.json", problem: PolicyProblem(path: "", message: "not JSON")) == "p.json: not JSON")
    }

    @Test func serverErrorsShowTheServersMessageAndProblems() {
        let json: [String: Any] = ["error": "the policy has 1 problem(s)",
                                   "problems": [["field": "migration", "message": "must match", "line": NSNull()]]]
        #expect(AdminClient.describeError(status: 422, json: json, body: [])
            == "server answered 422: the policy has 1 problem(s)\n  migration: must match")
        #expect(AdminClient.describeError(status: 409, json: ["error": "already paused"], body: []) == "server answered 409: already paused")
    }
}

@Suite struct CLIArmTableTests {
    @Test func statusShowsEachArmAndTheNewGuardsEvidence() {
        let status: [String: Any] = [
            "baseline": "openai", "candidate": "holysheep",
            "stepCounts": [
                "openai": ["requests": 1_000, "errors": 10, "clientErrors": 0, "tokens": 396_000,
                           "ttft": ["quantile": 0.99, "seconds": 0.09982], "tokensPerSuccessfulRequest": 400,
                           "cost": 1.0, "costPerRequest": 0.001],
                "holysheep": ["requests": 100, "errors": 3, "clientErrors": 50, "tokens": 0, "ttft": NSNull(),
                              "tokensPerSuccessfulRequest": 0, "cost": NSNull(), "costPerRequest": NSNull()],
            ] as [String: Any],
            "evidence": [
                ["guard": "errors", "test": "rollback_evalue", "value": 1.5],
                ["guard": "ttft_p90", "test": "rollback_evalue", "value": 3.25],
                ["guard": "tokens", "test": "unit", "value": 1_600],
            ],
        ]
        #expect(CLIFormat.armTable(status) == """

            ARM        REQUESTS  ERRORS  TTFT        TOKENS/SUCCESS  COST/REQUEST
            openai     1000      1.0%    p99 100 ms  400.0           0.001
            holysheep  100       6.0%    -           0.0             -

            GUARD     TEST             VALUE
            ttft_p90  rollback_evalue  3.25
            tokens    unit             1600

            """)
        #expect(CLIFormat.armTable(["state": "broken"]) == "")
    }

    @Test func statusShowsEachCustomGuardsBadShareAndEvidence() {
        let status: [String: Any] = [
            "baseline": "openai", "candidate": "holysheep",
            "stepCounts": [
                "openai": ["requests": 1_000, "errors": 10, "clientErrors": 0, "tokens": 0, "ttft": NSNull(),
                           "custom": ["json_parse": ["kind": "bad", "count": 9, "badShare": 0.009], "thumbs_up": NSNull()]],
                "holysheep": ["requests": 100, "errors": 1, "clientErrors": 0, "tokens": 0, "ttft": NSNull(),
                              "custom": ["json_parse": ["kind": "bad", "count": 4, "badShare": 0.041], "thumbs_up": NSNull()]],
            ] as [String: Any],
            "evidence": [
                ["guard": "errors", "test": "rollback_evalue", "value": 1.5],
                ["guard": "custom:json_parse", "test": "rollback_evalue", "value": 42],
            ],
        ]
        #expect(CLIFormat.armTable(status) == """

            ARM        REQUESTS  ERRORS  TTFT  TOKENS/SUCCESS  COST/REQUEST  JSON_PARSE BAD  THUMBS_UP BAD
            openai     1000      1.0%    -     -               -             0.9%            -
            holysheep  100       1.0%    -     -               -             4.1%            -

            GUARD              TEST             VALUE
            custom:json_parse  rollback_evalue  42

            """)
    }
}

/// The CLI says who acted: `--actor`, else `$USER@hostname`, and history shows it.
@Suite struct ActorCLITests {
    @Test("default actor", arguments: [
        (["USER": "alice"], "laptop", "alice@laptop"),
        (["LOGNAME": "bob"], "ci-7", "bob@ci-7"),
        (["USER": "", "LOGNAME": "bob"], "h", "bob@h"),
        (["USER": "carol"], "", "carol"),
        ([:], "laptop", nil),
        (["USER": "al\u{1b}[2Kice"], "h\u{e9}st", "al[2Kice@hst"),
    ] as [([String: String], String, String?)])
    func defaultActor(environment: [String: String], hostname: String, expected: String?) {
        #expect(AdminClient.defaultActor(environment: environment, hostname: hostname) == expected)
    }

    @Test func anExplicitActorWinsAndEmptySendsNone() {
        let env = ["USER": "alice"]
        #expect(AdminClient(server: nil, environment: env, actor: "ops-bot", hostname: "h").actor == "ops-bot")
        #expect(AdminClient(server: nil, environment: env, actor: "", hostname: "h").actor == nil)
        #expect(AdminClient(server: nil, environment: env, hostname: "h").actor == "alice@h")
    }

    @Test func historyShowsWhoActed() {
        let text = CLIFormat.historyLines([
            ["at": "2026-12-02T10:00:00.000Z", "revision": 3, "action": "pause", "fromStep": 1, "toStep": 1,
             "weights": ["a": 90, "b": 10], "actor": "operator", "by": "alice@laptop", "reason": "incident"],
            ["at": "2026-12-02T09:00:00.000Z", "revision": 2, "action": "advance", "fromStep": 0, "toStep": 1,
             "weights": ["a": 90, "b": 10], "actor": "judge", "reason": "healthy"],
        ])
        #expect(text.contains("operator alice@laptop  incident"))
        #expect(text.contains("judge                  healthy"))
    }
}
