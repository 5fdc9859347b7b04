import Foundation
import GlidepathShim
import Testing

/// ns per `route(key:)` with a typical key, and per `record`. Skipped unless `GLIDEPATH_BENCH=1`
/// (scripts/bench-shims.sh runs it in release); the machine is shared, so never in the normal suite.
struct RouteBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["GLIDEPATH_BENCH"] == "1"

    @Test(.enabled(if: RouteBenchmark.enabled))
    func nanosecondsPerRoute() async throws {
        let fake = FakeController { _ in FakeController.weights(revision: 1, candidate: 37.5) }
        let shim = try makeShim(fake)
        await shim.refresh()
        let keys = (0..<1024).map { "merchant-\($0 * 7919)" }
        var best = Double.infinity
        var candidate = 0
        for _ in 0..<7 {
            let n = 2_000_000
            let start = ContinuousClock.now
            for i in 0..<n where shim.route(key: keys[i & 1023]) == "holysheep" { candidate &+= 1 }
            let d = (ContinuousClock.now - start).components
            best = min(best, (Double(d.seconds) * 1e9 + Double(d.attoseconds) / 1e9) / Double(n))
        }
        var keyless = Double.infinity
        for _ in 0..<5 {
            let n = 2_000_000
            let start = ContinuousClock.now
            for _ in 0..<n where shim.route(key: nil) == "holysheep" { candidate &+= 1 }
            let d = (ContinuousClock.now - start).components
            keyless = min(keyless, (Double(d.seconds) * 1e9 + Double(d.attoseconds) / 1e9) / Double(n))
        }
        let recordShim = try makeShim(fake) { $0.maxBufferedLines = 1_000_000 }
        await recordShim.refresh()
        let m = 200_000
        let start = ContinuousClock.now
        for i in 0..<m { recordShim.record(arm: "openai", status: 200, latency: .microseconds(80_000 + i % 1000)) }
        let d = (ContinuousClock.now - start).components
        let record = (Double(d.seconds) * 1e9 + Double(d.attoseconds) / 1e9) / Double(m)
        let line = String(format: "swift: route(key:) %.1f ns/route (best of 7 x 2M, 16-char keys); route(key: nil) %.1f ns; record %.0f ns/line (%d)\n",
                          best, keyless, record, candidate > 0 ? 1 : 0)
        FileHandle.standardError.write(Data(line.utf8))
        #expect(best < 100)
    }
}
