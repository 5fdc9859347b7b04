import Testing
@testable import GlidepathCore

/// A policy without `guards.ttft`, `guards.tokens` or `guards.cost` is judged exactly as before those
/// guards existed: these fingerprints (every verdict's action, rule, reason and evidence values to the
/// bit, and the stored judge state) were recorded with the build before them (commit 11b4dba, the
/// foundation of issue 9) running the same `JudgeDigest` code.
@Suite struct JudgeDigestTests {
    static let recorded: [(String, String)] = [
        ("healthy", "745237cd023d7e1d 76 promoted"),
        ("errors 2x", "b751fdf8f549a5de 39 rolled_back"),
        ("slow tail", "d14fbff232434fa0 45 rolled_back"),
        ("low traffic", "a7a9d7dfedb8bfb9 21 rolled_back"),
        ("limits", "99506c87c7643937 44 rolled_back"),
        ("threshold", "693579f6db71f072 16 rolled_back"),
    ]

    @Test func verdictsWithoutTheNewGuardsAreUnchanged() {
        let now = JudgeDigest.all()
        #expect(now.map(\.0) == Self.recorded.map(\.0))
        for (a, b) in zip(now, Self.recorded) { #expect(a.1 == b.1, "\(a.0)") }
    }
}
