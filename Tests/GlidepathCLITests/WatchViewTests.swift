import Foundation
import Testing
@testable import GlidepathCLI

/// `glidepath status --watch` frames, from the API's status JSON.
@Suite struct WatchViewTests {
    static func status(state: String = "ramping", step: Int = 1, elapsed: Int = 150, weight: Double = 10) -> [String: Any] {
        [
            "migration": "chat-completions", "state": state, "step": step, "steps": 4, "baseline": "openai",
            "candidate": "holysheep", "weights": ["openai": 100 - weight, "holysheep": weight], "stepElapsedSeconds": elapsed,
            "policy": ["steps": [["weight": 5, "bake": "10m"], ["weight": 10, "bake": "10m"], ["weight": 50, "bake": "10m"],
                                 ["weight": 100, "bake": "0s", "gate": "manual"]]],
            "verdict": ["action": "hold", "rule": "bake", "reason": "safe: …; 7m30s of the 10m bake left at step 1 (10%)"],
            "lastDecision": ["action": "advance", "fromStep": 0, "toStep": 1, "actor": "judge",
                             "at": "2026-12-02T12:00:00.000Z", "reason": "safe: …; bake done"],
        ]
    }

    @Test func aRampingMigrationShowsStepsBakeVerdictAndLastDecision() {
        #expect(WatchView.lines(Self.status()) == [
            "chat-completions  ramping  step 2/4  [##..................]  holysheep 10%  openai 90%",
            "  steps  5% ✓  [10%]  50%  100% (gate)   bake 7m 30s left of 10m",
            "  judge  hold (bake): safe: …; 7m30s of the 10m bake left at step 1 (10%)",
            "  last   advance 0→1 by judge at 2026-12-02T12:00:00.000Z: safe: …; bake done",
        ])
    }

    @Test func aWebhookGateIsMarkedLikeAManualOne() {
        var s = Self.status()
        s["policy"] = ["steps": [["weight": 5, "bake": "10m"], ["weight": 50, "bake": "10m", "gate": ["webhook": "https://ci.example.com/…"]],
                                 ["weight": 100, "bake": "0s", "gate": NSNull()]]]
        #expect(WatchView.lines(s)[1] == "  steps  5% ✓  [50% (gate)]  100%   bake 7m 30s left of 10m")
    }

    @Test(arguments: [
        (0.0, "[....................]"), (5, "[#...................]"), (50, "[##########..........]"), (100, "[####################]"),
    ])
    func theBarIsTheCandidatesShare(percent: Double, bar: String) {
        #expect(WatchView.bar(percent: percent) == bar)
    }

    @Test func aBakeThatIsOverSaysSoAndFinishedMigrationsHaveNoCountdown() {
        #expect(WatchView.lines(Self.status(elapsed: 900))[1] == "  steps  5% ✓  [10%]  50%  100% (gate)   bake 10m done")
        #expect(WatchView.lines(Self.status(state: "promoted", step: 3, weight: 100))[1]
                == "  steps  5% ✓  10% ✓  50% ✓  100% (gate) ✓")
        #expect(WatchView.lines(Self.status(state: "rolled_back", weight: 0))[1] == "  steps  5% ✓  10%  50%  100% (gate)")
    }

    @Test func aFrameListsEveryMigrationOrSaysThereAreNone() {
        let frame = WatchView.frame([Self.status(), Self.status()], at: "T", server: "http://127.0.0.1:8470")
        #expect(frame.hasPrefix("glidepath status --watch  http://127.0.0.1:8470  T\n\nchat-completions  ramping"))
        #expect(frame.components(separatedBy: "chat-completions  ramping").count == 3)
        #expect(WatchView.frame([], at: "T", server: "s") == "glidepath status --watch  s  T\n\nno migrations\n")
    }
}
