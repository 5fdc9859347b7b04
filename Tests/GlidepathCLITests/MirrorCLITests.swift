import Foundation
import Testing
@testable import GlidepathCLI

@Suite struct MirrorCLITests {
    @Test func theCandidateCellShowsTheShadowShare() {
        let statuses: [[String: Any]] = [
            ["migration": "new-key", "state": "ramping", "step": 0, "steps": 5, "candidate": "key-new",
             "weights": ["key-old": 100, "key-new": 0], "mirror": 100, "revision": 1, "reason": "r"],
            ["migration": "live", "state": "ramping", "step": 1, "candidate": "b", "weights": ["a": 90, "b": 10],
             "mirror": 0, "revision": 2, "reason": "r"],
        ]
        let table = CLIFormat.statusTable(statuses)
        #expect(table.contains("key-new 0%, shadow 100%"))
        #expect(table.contains("b 10%  ") || table.contains("b 10% "))
        #expect(!table.contains("b 10%, shadow"))
    }
}
